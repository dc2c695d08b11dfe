package dev.jobwire.worker.handler.builtin;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.handler.NonRetryableException;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** Built-in handlers refuse payloads out of range, for good and with the reason, instead of misbehaving. */
class BuiltinPayloadsTest {
    private static Task task(String type, String payload) {
        return new Task(TaskMetadata.create(type, null, null, null), null, payload.getBytes(StandardCharsets.UTF_8), Map.of(),
                "t", 0, 0);
    }

    /** Runs CPU steps on the calling thread. */
    private static final TaskContext CONTEXT = new TaskContext() {
        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public Instant deadline() {
            return Instant.now().plusSeconds(60);
        }

        @Override
        public <T> T cpu(Callable<T> step) throws Exception {
            return step.call();
        }
    };

    @Test
    void aCpuHashLongerThanADayIsRefusedNotFinishedAtOnce() {
        // 9223372036854775807 ms used to overflow to a negative budget: the task "succeeded" in no time.
        assertThatThrownBy(() -> SimpleHandlers.CPU_HASH.handle(task("cpu.hash", "{\"ms\":9223372036854775807}"), CONTEXT))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("payload field 'ms' must be at most 86400000 (a day, in milliseconds), got 9223372036854775807");
        assertThatThrownBy(() -> SimpleHandlers.CPU_HASH.handle(task("cpu.hash", "{\"ms\":1e30}"), CONTEXT))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("must be a non-negative integer");
    }

    @Test
    void otherDurationsAreBoundedTooAndMustBeWholeNumbers() {
        assertThatThrownBy(() -> SimpleHandlers.SLEEP.handle(task("sleep", "{\"ms\":86400001}"), CONTEXT))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("must be at most 86400000");
        assertThatThrownBy(() -> SimpleHandlers.SLEEP.handle(task("sleep", "{\"ms\":1.5}"), CONTEXT))
                .isInstanceOf(NonRetryableException.class).hasMessage("payload field 'ms' must be a non-negative integer, got 1.5");
        assertThatThrownBy(() -> SimpleHandlers.SLEEP.handle(task("sleep", "{\"ms\":-3}"), CONTEXT))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> new TwoStageHandler(java.net.http.HttpClient.newHttpClient()).handle(task("http.then-cpu",
                "{\"url\":\"http://127.0.0.1:9/x\",\"cpuMs\":99999999999}"), CONTEXT))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("'cpuMs' must be at most");
    }
}
