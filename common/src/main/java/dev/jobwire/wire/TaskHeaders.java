package dev.jobwire.wire;

/**
 * Names of the headers every task record carries. Values are UTF-8 strings.
 *
 * <p>See {@code docs/wire-format.md} for the meaning and encoding of each.
 */
public final class TaskHeaders {
    /** Major version of the header layout; readers reject a major version they do not know. */
    public static final String FORMAT = "jobwire.format";
    /** The format version written by this code. */
    public static final String CURRENT_FORMAT = "1";

    public static final String TASK_ID = "jobwire.task-id";
    public static final String TASK_TYPE = "jobwire.task-type";
    public static final String CONTENT_TYPE = "jobwire.content-type";
    public static final String CREATED_AT = "jobwire.created-at";
    public static final String DEADLINE = "jobwire.deadline";
    /** The task must not start before this instant (a delayed task). */
    public static final String NOT_BEFORE = "jobwire.not-before";
    /** W3C Trace Context header, under its standard name so tracing tools find it. */
    public static final String TRACEPARENT = "traceparent";

    /** How many times this task has been replayed from a dead-letter topic (absent means 0). */
    public static final String REPLAY_COUNT = "jobwire.replay-count";
    /** The dead letter this record was replayed from, as {@code topic/partition/offset}. */
    public static final String REPLAY_OF = "jobwire.replay-of";

    /** Header names starting with this prefix are reserved for Jobwire. */
    public static final String RESERVED_PREFIX = "jobwire.";

    private TaskHeaders() {
    }
}
