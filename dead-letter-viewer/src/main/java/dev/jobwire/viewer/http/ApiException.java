package dev.jobwire.viewer.http;

/** Ends a request with an HTTP status and a JSON {@code {"error": message}}. Immutable. */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
