package dev.jobwire.worker.source.share;

/** The broker cannot serve a share group: thrown at start-up, saying what to enable. */
public final class ShareGroupsUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShareGroupsUnavailableException(String message) {
        super(message);
    }

    public ShareGroupsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
