package dev.jobwire.wire;

/**
 * Headers the worker adds when it re-publishes a task to run again later (a retry after a long
 * backoff), so the next round knows the rounds before it. The original record's headers stay as
 * they were; a dead letter drops these and lists every attempt of every round instead.
 */
public final class RetryHeaders {
    public static final String PREFIX = "jobwire.retry.";
    /** Attempts made in all earlier rounds (decimal). */
    public static final String ATTEMPTS = PREFIX + "attempts";
    /** Repeated once per failed attempt of the earlier rounds, oldest first; an {@link AttemptFailure} as JSON. */
    public static final String ATTEMPT = PREFIX + "attempt";
    /** The retry must not start before this instant. */
    public static final String NOT_BEFORE = PREFIX + "not-before";
    /** When the first attempt of the first round started: the task's time limit counts from it. */
    public static final String FIRST_STARTED_AT = PREFIX + "first-started-at";
    /** The record of the first round, which a dead letter names as the original. */
    public static final String ORIGINAL_TOPIC = PREFIX + "original-topic";
    public static final String ORIGINAL_PARTITION = PREFIX + "original-partition";
    public static final String ORIGINAL_OFFSET = PREFIX + "original-offset";
    public static final String ORIGINAL_TIMESTAMP = PREFIX + "original-timestamp";

    private RetryHeaders() {
    }
}
