package dev.jobwire.wire;

/**
 * Names of the headers the worker adds to a dead letter, next to the original record's own
 * headers (which are copied unchanged). Values are UTF-8 strings.
 */
public final class DeadLetterHeaders {
    /** Every dead-letter header starts with this. */
    public static final String PREFIX = "jobwire.dlt.";
    private static final String P = PREFIX;
    /**
     * The dead-letter headers a record already carried when it was dead-lettered again, renamed:
     * {@code jobwire.dlt.reason} becomes {@code jobwire.prev-dlt.reason}.
     */
    public static final String EARLIER_PREFIX = "jobwire.prev-dlt.";

    /** Major version of the dead-letter header layout. */
    public static final String FORMAT = P + "format";
    public static final String CURRENT_FORMAT = "1";

    public static final String ORIGINAL_TOPIC = P + "original-topic";
    public static final String ORIGINAL_PARTITION = P + "original-partition";
    public static final String ORIGINAL_OFFSET = P + "original-offset";
    /** The original record's timestamp, ISO-8601 UTC. */
    public static final String ORIGINAL_TIMESTAMP = P + "original-timestamp";
    /** One of {@link DeadLetterReason}'s names. */
    public static final String REASON = P + "reason";
    /** Number of attempts made (0 for a task that was never started). */
    public static final String ATTEMPTS = P + "attempts";
    /** Repeated once per failed attempt, in order; each value is an {@link AttemptFailure} as JSON. */
    public static final String ATTEMPT = P + "attempt";
    public static final String EXCEPTION_CLASS = P + "exception-class";
    public static final String EXCEPTION_MESSAGE = P + "exception-message";
    /** The final failure's stack trace, cut to {@link DeadLetter#MAX_STACK_TRACE_CHARS}. */
    public static final String STACK_TRACE = P + "stack-trace";
    /** Which worker instance gave up on the task. */
    public static final String WORKER = P + "worker";
    public static final String DEAD_LETTERED_AT = P + "dead-lettered-at";
    /**
     * Present when the original value was too large to dead-letter even with shortened headers:
     * the value was replaced by an empty one, and this holds the original value's size in bytes.
     * The original stays at its coordinates in the task topic until retention removes it.
     */
    public static final String VALUE_OMITTED = P + "value-omitted";

    private DeadLetterHeaders() {
    }
}
