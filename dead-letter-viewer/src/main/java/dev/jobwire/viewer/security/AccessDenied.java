package dev.jobwire.viewer.security;

/** A request refused by {@link AccessGuard}: the HTTP status and a message for the caller. Immutable. */
public final class AccessDenied extends RuntimeException {
    private final int status;

    public AccessDenied(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
