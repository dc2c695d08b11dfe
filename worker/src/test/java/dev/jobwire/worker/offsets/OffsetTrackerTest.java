package dev.jobwire.worker.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    @Test
    void oldestUnfinishedAgeIsTheLongestAnyPartitionHoldsItsCommitsBack() {
        OffsetTracker tracker = new OffsetTracker();
        assertThat(tracker.oldestUnfinishedAgeSeconds()).isZero();
        long now = System.nanoTime();
        tracker.assign(new TopicPartition("t", 0)).received(5, now - TimeUnit.SECONDS.toNanos(3));
        PartitionOffsets recent = tracker.assign(new TopicPartition("t", 1));
        recent.received(9, now);

        assertThat(tracker.oldestUnfinishedAgeSeconds()).isBetween(3.0, 60.0);

        tracker.revoke(new TopicPartition("t", 0));
        assertThat(tracker.oldestUnfinishedAgeSeconds()).isLessThan(3.0);
        recent.finished(9);
        assertThat(tracker.oldestUnfinishedAgeSeconds()).isZero();
    }
}
