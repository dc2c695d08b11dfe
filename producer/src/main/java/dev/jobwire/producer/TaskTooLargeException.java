package dev.jobwire.producer;

import java.util.Map;
import java.util.TreeMap;

/**
 * Tasks of a {@link TaskPublisher#publishEach batch} whose records are over the producer's size
 * limit ({@code max.request.size}), found before anything was sent: none of the batch was
 * published. An {@link IllegalArgumentException}, like every other input problem. Immutable.
 */
public final class TaskTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Map<Integer, String> problems;
    private final int limit;

    /**
     * @param problems why each oversized task is too large, by position in the batch; not empty
     * @param limit    the producer's limit in bytes
     */
    public TaskTooLargeException(Map<Integer, String> problems, int limit) {
        super(message(problems));
        this.problems = java.util.Collections.unmodifiableMap(new TreeMap<>(problems));
        this.limit = limit;
    }

    private static String message(Map<Integer, String> problems) {
        Map.Entry<Integer, String> first = new TreeMap<>(problems).firstEntry();
        return "task " + first.getKey() + ": " + first.getValue()
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more tasks too large)" : "");
    }

    /** Why each oversized task is too large, by position in the batch, in order. */
    public Map<Integer, String> problems() {
        return problems;
    }

    /** The producer's record size limit in bytes. */
    public int limit() {
        return limit;
    }
}
