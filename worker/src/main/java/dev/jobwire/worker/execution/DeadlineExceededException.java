package dev.jobwire.worker.execution;

import java.time.Instant;

/** The task's deadline passed: before it started, between attempts, or while it ran (then it was cancelled). */
public final class DeadlineExceededException extends Exception {
    private static final long serialVersionUID = 1L;

    DeadlineExceededException(String message) {
        super(message);
    }

    static DeadlineExceededException beforeStart(Instant deadline) {
        return new DeadlineExceededException("deadline " + deadline + " passed before the task started");
    }

    /** The deadline passed, or will before the shortest backoff ends, after {@code attempts} attempts. */
    static DeadlineExceededException betweenAttempts(Instant deadline, int attempts) {
        return new DeadlineExceededException("deadline " + deadline + " leaves no time for another attempt after "
                + attempts + " attempt(s)");
    }

    static DeadlineExceededException during(Instant deadline, int attempts) {
        return new DeadlineExceededException("deadline " + deadline + " passed during attempt " + attempts
                + "; the task was cancelled");
    }
}
