package dev.jobwire.worker.execution;

import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetterReason;
import java.util.List;

/** How one task's execution ended. */
public sealed interface Outcome {

    /** The handler succeeded on attempt {@code attempts}. */
    record Succeeded(int attempts) implements Outcome {
    }

    /** The task will not be run again here: it goes to the dead-letter topic. */
    record Failed(DeadLetterReason reason, int attempts, List<AttemptFailure> failures, Throwable cause) implements Outcome {
    }

    /** Shutdown or revocation cancelled it; it is neither committed nor dead-lettered, so it is redelivered. */
    record Cancelled(int attempts) implements Outcome {
    }
}
