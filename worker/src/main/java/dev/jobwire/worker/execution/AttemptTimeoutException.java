package dev.jobwire.worker.execution;

import java.time.Duration;

/** An attempt ran past its timeout and was cancelled (its thread interrupted). Retryable. */
public final class AttemptTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    AttemptTimeoutException(int attempt, Duration timeout) {
        super("attempt " + attempt + " timed out after " + timeout.toMillis() + " ms and was cancelled");
    }
}
