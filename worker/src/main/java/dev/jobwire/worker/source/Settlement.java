package dev.jobwire.worker.source;

/**
 * How the worker is done with one record, as its source is told. Each source decides what it
 * means there: a consumer-group source counts every value but {@link #CANCELLED} as finished (its
 * offset may be committed); a share-group source acknowledges it.
 */
public enum Settlement {
    /** The handler succeeded. */
    SUCCEEDED,
    /** It failed for good and its dead letter was acknowledged by the broker. */
    DEAD_LETTERED,
    /** It was re-published to run later (a delay or a retry after a long backoff), and that write was acknowledged. */
    HANDED_OFF,
    /** The worker gave up on it unfinished (shutdown, revocation): the source must deliver it again. */
    CANCELLED;

    /** Whether the record needs no further delivery. */
    public boolean isFinished() {
        return this != CANCELLED;
    }
}
