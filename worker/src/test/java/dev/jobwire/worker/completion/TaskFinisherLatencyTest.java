package dev.jobwire.worker.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.wire.TaskMetadata;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskFinisherLatencyTest {

    @Test
    void aCreatedAtInTheDistantPastSaturatesInsteadOfOverflowing() {
        TaskMetadata ancient = new TaskMetadata("id", "t", "application/json", Instant.parse("1000-01-01T00:00:00Z"), null, null);
        assertThat(TaskFinisher.latencyNanos(ancient, System.nanoTime())).isEqualTo(Long.MAX_VALUE);
        TaskMetadata recent = new TaskMetadata("id", "t", "application/json", Instant.now().minusSeconds(2), null, null);
        assertThat(TaskFinisher.latencyNanos(recent, System.nanoTime())).isBetween(1_000_000_000L, 600_000_000_000L);
    }
}
