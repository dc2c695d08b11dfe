package dev.jobwire.worker.execution;

import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetterReason;
import java.time.Duration;
import java.util.List;

/** How one round of a task's attempts ended. {@code attempts} counts every round's attempts. */
public sealed interface Outcome {

    /** The handler succeeded on attempt {@code attempts}. */
    record Succeeded(int attempts) implements Outcome {
    }

    /** The task will not be run again: it goes to the dead-letter topic. */
    record Failed(DeadLetterReason reason, int attempts, List<AttemptFailure> failures, Throwable cause) implements Outcome {
    }

    /**
     * Its next attempt is due only after {@code backoff}, long enough that the task leaves the
     * worker meanwhile: it is re-published to run later, its history in its headers.
     */
    record RetryLater(Duration backoff, int attempts, List<AttemptFailure> failures) implements Outcome {
    }

    /** Shutdown or revocation cancelled it; it is neither finished nor dead-lettered, so it is delivered again. */
    record Cancelled(int attempts) implements Outcome {
    }
}
