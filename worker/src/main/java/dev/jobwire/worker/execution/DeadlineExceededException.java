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

    static DeadlineExceededException betweenAttempts(Instant deadline, int attempts) {
        return new DeadlineExceededException("deadline " + deadline + " passed after " + attempts
                + " attempt(s), before the next one could start");
    }

    static DeadlineExceededException during(Instant deadline, int attempts) {
        return new DeadlineExceededException("deadline " + deadline + " passed during attempt " + attempts
                + "; the task was cancelled");
    }
}
