package dev.jobwire.viewer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ReplayPlannerTest {
    private final ReplayPlanner planner = new ReplayPlanner(3, List.of("jobwire.replay-audit"), t -> t.equals("missing") ? 0 : 3);
    private final DeadLetterRef ref = new DeadLetterRef("tasks.dlt", 1, 7);

    private ConsumerRecord<byte[], byte[]> deadLetter(int replayCount) {
        RecordHeaders h = new RecordHeaders();
        h.add("custom", "keep-me".getBytes(StandardCharsets.UTF_8));
        if (replayCount > 0) {
            HeaderValues.put(h, TaskHeaders.REPLAY_COUNT, Integer.toString(replayCount));
        }
        new DeadLetter("tasks", 2, 40, Instant.now(), DeadLetterReason.NON_RETRYABLE, 1, List.of(), "E", "m", "", "w",
                Instant.now()).writeTo(h);
        return new ConsumerRecord<>("tasks.dlt", 1, 7, 0L, TimestampType.CREATE_TIME, 1, 1, "k".getBytes(StandardCharsets.UTF_8),
                "v".getBytes(StandardCharsets.UTF_8), h, Optional.empty());
    }

    @Test
    void replaysTheOriginalRecordWithReplayHeaders() {
        ReplayPlanner.Plan plan = planner.plan(ref, deadLetter(0), null, null, false);
        assertThat(plan.refused()).isFalse();
        assertThat(plan.record().topic()).isEqualTo("tasks");
        assertThat(plan.record().partition()).isNull();
        assertThat(new String(plan.record().key(), StandardCharsets.UTF_8)).isEqualTo("k");
        assertThat(HeaderValues.last(plan.record().headers(), "custom")).isEqualTo("keep-me");
        assertThat(HeaderValues.last(plan.record().headers(), TaskHeaders.REPLAY_COUNT)).isEqualTo("1");
        assertThat(HeaderValues.last(plan.record().headers(), TaskHeaders.REPLAY_OF)).isEqualTo("tasks.dlt/1/7");
        plan.record().headers().forEach(h -> assertThat(h.key()).doesNotStartWith("jobwire.dlt."));
    }

    @Test
    void loopGuardRefusesAboveTheLimit() {
        assertThat(planner.plan(ref, deadLetter(2), null, null, false).refused()).isFalse();
        assertThat(planner.plan(ref, deadLetter(3), null, null, false).refusal()).contains("loop guard");
    }

    @Test
    void refusesBadTargetsGoneRecordsAndRepeatReplays() {
        assertThat(planner.plan(ref, null, null, null, false).refusal()).contains("no longer");
        assertThat(planner.plan(ref, deadLetter(0), "missing", null, false).refusal()).contains("does not exist");
        assertThat(planner.plan(ref, deadLetter(0), "other.dlt", null, false).refusal()).contains("dead-letter topic");
        assertThat(planner.plan(ref, deadLetter(0), "jobwire.replay-audit", null, false).refusal()).contains("internal");
        Mark replayed = new Mark(Mark.State.REPLAYED, "ann", Instant.now(), null, "tasks", "j");
        assertThat(planner.plan(ref, deadLetter(0), null, replayed, false).refusal()).contains("already replayed");
        assertThat(planner.plan(ref, deadLetter(0), null, replayed, true).refused()).isFalse();
    }
}
