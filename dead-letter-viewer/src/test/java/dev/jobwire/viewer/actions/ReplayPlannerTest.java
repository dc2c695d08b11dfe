package dev.jobwire.viewer.actions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.EntryDecoder;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ReplayPlannerTest {
    private final ReplayTargets targets = new ReplayTargets(List.of("tasks-retry", "sandbox-*"),
            List.of("jobwire.replay-audit"), t -> t.equals("missing") ? 0 : 3);
    private final ReplayPlanner planner = new ReplayPlanner(3, targets);
    private final DeadLetterRef ref = new DeadLetterRef("tasks.dlt", 1, 7);

    private static ReplayRequest request() {
        return new ReplayRequest(List.of(), null, false, null, Map.of());
    }

    private static ReplayRequest to(String target) {
        return new ReplayRequest(List.of(), target, false, null, Map.of());
    }

    private static ReplayRequest forced(String override) {
        return new ReplayRequest(List.of(), null, true, override, Map.of());
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(String replayCount) {
        return deadLetter(replayCount, "tasks");
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(String replayCount, String originalTopic) {
        RecordHeaders h = new RecordHeaders();
        h.add("custom", "keep-me".getBytes(StandardCharsets.UTF_8));
        h.add("jobwire.prev-dlt.reason", "EXPIRED".getBytes(StandardCharsets.UTF_8));
        if (replayCount != null) {
            HeaderValues.put(h, TaskHeaders.REPLAY_COUNT, replayCount);
        }
        new DeadLetter(originalTopic, 2, 40, Instant.now(), DeadLetterReason.NON_RETRYABLE, 1, List.of(), "E", "m", "", "w",
                Instant.now()).writeTo(h);
        return new ConsumerRecord<>("tasks.dlt", 1, 7, 0L, TimestampType.CREATE_TIME, 1, 1, "k".getBytes(StandardCharsets.UTF_8),
                "v".getBytes(StandardCharsets.UTF_8), h, Optional.empty());
    }

    private static Mark replayedTimes(int n) {
        return new Mark(Mark.State.REPLAYED, "ann", Instant.now(), null, "tasks", "j", n, "tasks/0/1", null);
    }

    @Test
    void replaysTheOriginalRecordWithReplayHeaders() {
        ReplayPlanner.Plan plan = planner.plan(ref, deadLetter(null), request(), null);
        assertThat(plan.refused()).isFalse();
        assertThat(plan.record().topic()).isEqualTo("tasks");
        assertThat(plan.record().partition()).isNull();
        assertThat(new String(plan.record().key(), StandardCharsets.UTF_8)).isEqualTo("k");
        assertThat(HeaderValues.last(plan.record().headers(), "custom")).isEqualTo("keep-me");
        assertThat(HeaderValues.last(plan.record().headers(), "jobwire.prev-dlt.reason")).isEqualTo("EXPIRED");
        assertThat(HeaderValues.last(plan.record().headers(), TaskHeaders.REPLAY_COUNT)).isEqualTo("1");
        assertThat(HeaderValues.last(plan.record().headers(), TaskHeaders.REPLAY_OF)).isEqualTo("tasks.dlt/1/7");
        plan.record().headers().forEach(h -> assertThat(h.key()).doesNotStartWith("jobwire.dlt."));
    }

    @Test
    void loopGuardCountsEarlierReplaysOfTheTask() {
        assertThat(planner.plan(ref, deadLetter("2"), request(), null).refused()).isFalse();
        assertThat(planner.plan(ref, deadLetter("3"), request(), null).refusal()).contains("loop guard").contains("replay 4");
    }

    @Test
    void loopGuardCountsReplaysOfThisDeadLetterSoForcedReplaysStopAtTheLimit() {
        // Forcing the same dead letter again and again: replays 1, 2, 3, then refused.
        ReplayPlanner.Plan second = planner.plan(ref, deadLetter(null), forced(null), replayedTimes(1));
        assertThat(second.replayCount()).isEqualTo(2);
        assertThat(HeaderValues.last(second.record().headers(), TaskHeaders.REPLAY_COUNT)).isEqualTo("2");
        assertThat(planner.plan(ref, deadLetter(null), forced(null), replayedTimes(2)).replayCount()).isEqualTo(3);
        assertThat(planner.plan(ref, deadLetter(null), forced(null), replayedTimes(3)).refusal())
                .contains("loop guard").contains("this dead letter 3 time(s)");
        // The task's earlier replays and this dead letter's add up.
        assertThat(planner.plan(ref, deadLetter("2"), forced(null), replayedTimes(1)).refused()).isTrue();
    }

    @Test
    void anOverrideWithAReasonPassesTheLoopGuardAndIsMarked() {
        ReplayPlanner.Plan plan = planner.plan(ref, deadLetter(null), forced("INC-42: provider fixed"), replayedTimes(3));
        assertThat(plan.refused()).isFalse();
        assertThat(plan.overridden()).isTrue();
        assertThat(plan.replayCount()).isEqualTo(4);
    }

    @Test
    void malformedOrHugeCountsAreAtTheLimitNeverZero() {
        for (String bad : List.of("abc", "-1", "2147483648", "99999999999", " ", "1.5")) {
            assertThat(planner.plan(ref, deadLetter(bad), request(), null).refusal()).as(bad).contains("loop guard");
        }
        // The largest valid count is above the limit and must not wrap around to a small one.
        assertThat(planner.plan(ref, deadLetter("2147483647"), request(), null).refusal()).contains("loop guard");
        ReplayPlanner.Plan overridden = planner.plan(ref, deadLetter("2147483647"), forced("INC-1 verified"), null);
        assertThat(overridden.replayCount()).isEqualTo(Integer.MAX_VALUE);
        assertThat(planner.plan(ref, deadLetter("abc"), forced("INC-1 verified"), null).replayCount()).isEqualTo(4);
    }

    @Test
    void targetsAreAnAllowlist() {
        assertThat(planner.plan(ref, deadLetter(null), to("tasks-retry"), null).refused()).isFalse();
        assertThat(planner.plan(ref, deadLetter(null), to("sandbox-billing"), null).refused()).isFalse();
        assertThat(planner.plan(ref, deadLetter(null), to("payments"), null).refusal()).contains("original topic (tasks)");
        assertThat(planner.plan(ref, deadLetter(null), to("_schemas"), null).refusal()).contains("internal");
        assertThat(planner.plan(ref, deadLetter(null), to("connect-configs"), null).refusal()).contains("internal");
        assertThat(planner.plan(ref, deadLetter(null), to("__consumer_offsets"), null).refusal()).contains("internal");
        // A dead letter's own headers cannot point a replay at an internal topic either.
        assertThat(planner.plan(ref, deadLetter(null, "_schemas"), request(), null).refusal()).contains("internal");
        assertThat(targets.overrideProblem("jobwire.replay-audit")).contains("internal");
        assertThat(targets.overrideProblem("missing")).contains("does not exist");
    }

    @Test
    void refusesBadTargetsGoneRecordsOmittedValuesAndRepeatReplays() {
        assertThat(planner.plan(ref, null, request(), null).refusal()).contains("no longer");
        assertThat(planner.plan(ref, deadLetter(null, "missing"), request(), null).refusal()).contains("does not exist");
        assertThat(planner.plan(ref, deadLetter(null), to("other.dlt"), null).refusal()).contains("dead-letter topic");
        assertThat(planner.plan(ref, deadLetter(null), request(), replayedTimes(1)).refusal()).contains("already replayed");
        ConsumerRecord<byte[], byte[]> omitted = deadLetter(null);
        omitted.headers().add(EntryDecoder.VALUE_OMITTED, "9000000".getBytes(StandardCharsets.UTF_8));
        assertThat(planner.plan(ref, omitted, request(), null).refusal()).contains("too large").contains("marker");
    }
}
