package dev.jobwire.worker.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.worker.handler.NonRetryableException;
import dev.jobwire.worker.handler.TaskHandler;
import java.util.concurrent.ThreadLocalRandom;

/** The small built-in handlers for demos, load scripts and tests. All stateless and thread-safe. */
final class SimpleHandlers {
    private SimpleHandlers() {
    }

    /** {@code noop}: succeeds at once. The throughput scenario measures the worker itself with it. */
    static final TaskHandler NOOP = (task, context) -> {
    };

    /** {@code sleep}: {@code {"ms":100}}; an interruptible wait, like a call to a slow service. */
    static final TaskHandler SLEEP = (task, context) -> Thread.sleep(Payloads.millis(Payloads.json(task), "ms", 100));

    /** {@code cpu.hash}: {@code {"ms":2}} of CPU time hashing, on the core-sized pool. */
    static final TaskHandler CPU_HASH = (task, context) -> {
        long millis = Payloads.millis(Payloads.json(task), "ms", 2);
        context.cpu(() -> CpuWork.hashFor(millis));
    };

    /**
     * {@code fail.always}: {@code {"message":"...","retryable":true}}; every attempt fails,
     * with a {@link NonRetryableException} when {@code retryable} is false.
     */
    static final TaskHandler FAIL_ALWAYS = (task, context) -> {
        JsonNode spec = Payloads.json(task);
        String message = spec.path("message").asText("fail.always: this task always fails");
        if (!spec.path("retryable").asBoolean(true)) {
            throw new NonRetryableException(message);
        }
        throw new IllegalStateException(message);
    };

    /**
     * {@code fail.sometimes}: fails with {@code {"probability":0.3}}, or deterministically fails
     * the first {@code {"failAttempts":2}} attempts and then succeeds.
     */
    static final TaskHandler FAIL_SOMETIMES = (task, context) -> {
        JsonNode spec = Payloads.json(task);
        long failAttempts = Payloads.nonNegativeLong(spec, "failAttempts", 0);
        if (context.attempt() <= failAttempts) {
            throw new IllegalStateException("fail.sometimes: attempt " + context.attempt() + " of the first "
                    + failAttempts + " fails");
        }
        double probability = spec.path("probability").asDouble(0);
        if (probability > 0 && ThreadLocalRandom.current().nextDouble() < probability) {
            throw new IllegalStateException("fail.sometimes: random failure (probability " + probability + ")");
        }
    };
}
