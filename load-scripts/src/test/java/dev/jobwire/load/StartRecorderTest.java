package dev.jobwire.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.handler.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartRecorderTest {
    private static final Instant DUE = Instant.parse("2026-12-01T10:00:00Z");

    private static Task task(int n, Instant notBefore) {
        TaskMetadata metadata = new TaskMetadata("id-" + n, StartRecorder.TYPE, TaskMetadata.DEFAULT_CONTENT_TYPE,
                DUE.minusSeconds(30), null, null, notBefore);
        return new Task(metadata, null, StartRecorder.payload(n).getBytes(StandardCharsets.UTF_8), Map.of(), "t", 0, n);
    }

    @Test
    void latenessIsStartMinusTheTasksNotBefore() {
        StartRecorder recorder = new StartRecorder(3);
        recorder.record(task(0, DUE), DUE.plusMillis(12));
        recorder.record(task(2, DUE), DUE.plusMillis(250));

        assertThat(recorder.sortedLatenessMicros()).containsExactly(12_000, 250_000);
        assertThat(recorder.started()).isEqualTo(2);
        assertThat(recorder.runs(0)).isEqualTo(1);
        assertThat(recorder.runs(1)).isZero();
        assertThat(recorder.startedEarly()).isZero();
    }

    @Test
    void aStartBeforeTheTaskIsDueIsCountedEvenByAMicrosecond() {
        StartRecorder recorder = new StartRecorder(2);
        recorder.record(task(0, DUE), DUE.minusNanos(1_000));
        recorder.record(task(1, DUE), DUE);

        assertThat(recorder.startedEarly()).isEqualTo(1);
        assertThat(recorder.earliestMs()).isEqualTo(0.001);
        assertThat(recorder.sortedLatenessMicros()).containsExactly(-1, 0);
    }

    @Test
    void aSecondRunIsCountedAndKeepsTheFirstRunsLateness() {
        StartRecorder recorder = new StartRecorder(1);
        recorder.record(task(0, DUE), DUE.plusMillis(5));
        recorder.record(task(0, DUE), DUE.plusMillis(900));

        assertThat(recorder.runs(0)).isEqualTo(2);
        assertThat(recorder.started()).isEqualTo(1);
        assertThat(recorder.sortedLatenessMicros()).containsExactly(5_000);
    }

    @Test
    void tasksOfOtherNumbersAreForeign() {
        StartRecorder recorder = new StartRecorder(2);
        recorder.record(task(7, DUE), DUE);

        assertThat(recorder.foreign()).isEqualTo(1);
        assertThat(recorder.started()).isZero();
        assertThat(StartRecorder.number("{\"n\":1234}".getBytes(StandardCharsets.UTF_8))).isEqualTo(1234);
        assertThat(StartRecorder.number("{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = {1_000, 2_000, 3_000, 4_000};
        assertThat(StartRecorder.percentileMs(sorted, 50)).isEqualTo(2.0);
        assertThat(StartRecorder.percentileMs(sorted, 99)).isEqualTo(4.0);
        assertThat(StartRecorder.percentileMs(sorted, 0)).isEqualTo(1.0);
        assertThat(StartRecorder.percentileMs(new long[0], 50)).isZero();
    }
}
