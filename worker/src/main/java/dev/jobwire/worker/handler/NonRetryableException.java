package dev.jobwire.worker.handler;

/**
 * Thrown by a handler when retrying cannot help (bad input, a 4xx answer, a business rule): the
 * task goes to the dead-letter topic at once with reason {@code NON_RETRYABLE}.
 */
public class NonRetryableException extends Exception {
    private static final long serialVersionUID = 1L;

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
