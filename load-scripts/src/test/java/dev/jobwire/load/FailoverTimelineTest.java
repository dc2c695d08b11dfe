package dev.jobwire.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailoverTimelineTest {
    private static final long S = 1_000_000_000L;
    private static final long KILL = 100 * S;
    /** Task n lives in partition n % 4. */
    private static int partitionOf(int task) {
        return task % 4;
    }

    private static CallLog.Call call(int task, double arrivedS, double answeredS, int status) {
        return new CallLog.Call(task, (long) (arrivedS * S), (long) (answeredS * S), status);
    }

    @Test
    void aPartitionRecoversWhenACallThatArrivedAfterTheKillIsAnswered() {
        List<CallLog.Call> calls = List.of(
                // Arrived before the kill (the killed worker's call, answered to a dead socket): not a recovery.
                call(1, 99.9, 100.5, 200),
                call(5, 111.0, 111.03, 200),
                call(9, 112.0, 112.03, 200),
                call(2, 104.0, 104.02, 200),
                // Refused: not a completion.
                call(6, 101.0, 101.001, 429));

        FailoverTimeline timeline = FailoverTimeline.of(calls, FailoverTimelineTest::partitionOf, KILL, Set.of(1, 2),
                90 * S, 120 * S);

        assertThat(timeline.recoverySecondsByPartition()).containsOnlyKeys(1, 2);
        assertThat(timeline.recoverySecondsByPartition().get(1)).isCloseTo(11.03, within(1e-6));
        assertThat(timeline.recoverySecondsByPartition().get(2)).isCloseTo(4.02, within(1e-6));
        assertThat(timeline.maxRecoverySeconds()).isCloseTo(11.03, within(1e-6));
        assertThat(timeline.unrecovered()).isZero();
    }

    @Test
    void aPartitionWithNoCompletionElsewhereIsUnrecovered() {
        List<CallLog.Call> calls = List.of(call(1, 99.0, 99.1, 200), call(2, 101.0, 101.1, 200));

        FailoverTimeline timeline = FailoverTimeline.of(calls, FailoverTimelineTest::partitionOf, KILL, Set.of(1, 2),
                90 * S, 120 * S);

        assertThat(timeline.recoverySecondsByPartition()).containsEntry(1, -1.0);
        assertThat(timeline.unrecovered()).isEqualTo(1);
        assertThat(timeline.maxRecoverySeconds()).isEqualTo(-1);
    }

    @Test
    void theLongestGapCountsOnlySuccessesAndRunsToTheWindowsEdges() {
        List<CallLog.Call> calls = List.of(
                call(0, 90.5, 91.0, 200),
                call(1, 99.0, 99.5, 200),
                call(2, 100.0, 100.1, 500), // a failure is no completion
                call(3, 108.0, 108.5, 200),
                call(4, 109.0, 109.5, 200));

        FailoverTimeline inside = FailoverTimeline.of(calls, FailoverTimelineTest::partitionOf, KILL, Set.of(), 90 * S, 110 * S);
        assertThat(inside.longestGapSeconds()).isCloseTo(9.0, within(1e-6));
        assertThat(inside.longestGapStartSeconds()).isCloseTo(-0.5, within(1e-6));

        // Nothing completed in the last 15 s of a longer window: that is the longest gap.
        FailoverTimeline atTheEnd = FailoverTimeline.of(calls, FailoverTimelineTest::partitionOf, KILL, Set.of(), 90 * S,
                125 * S);
        assertThat(atTheEnd.longestGapSeconds()).isCloseTo(15.5, within(1e-6));
    }

    @Test
    void duplicatesAreSuccessesBeyondTheFirstOfATask() {
        List<CallLog.Call> calls = List.of(
                call(7, 99.0, 99.1, 200), call(7, 112.0, 112.1, 200), call(7, 113.0, 113.1, 200),
                call(8, 99.0, 99.1, 200), call(8, 99.2, 99.3, 500),
                call(9, 101.0, 101.1, 429), call(9, 102.0, 102.1, 200));

        FailoverTimeline timeline = FailoverTimeline.of(calls, FailoverTimelineTest::partitionOf, KILL, Set.of(), 90 * S,
                120 * S);

        assertThat(timeline.duplicates()).isEqualTo(2);
        assertThat(timeline.tasksRunMoreThanOnce()).isEqualTo(1);
    }

    @Test
    void theCallLogReadsTaskNumbersFromTheQueryAndCountsSuccesses() {
        CallLog log = new CallLog();
        log.answered(CallLog.query(3), 5, 9, 200);
        log.answered(CallLog.query(3), 2, 4, 200);
        log.answered(CallLog.query(4), 7, 8, 429);
        log.answered(null, 1, 2, 200);
        log.answered("other=1", 1, 2, 200);

        assertThat(log.successes(3)).isEqualTo(2);
        assertThat(log.successes(4)).isZero();
        assertThat(log.firstArrivedNanos()).isEqualTo(2);
        assertThat(log.calls()).extracting(CallLog.Call::task).containsExactlyInAnyOrder(3, 3, 4);
        assertThat(CallLog.query(12)).isEqualTo("n=12");
    }
}
