package dev.jobwire.wire;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What the Jobwire headers of a task record say about it. Immutable.
 *
 * @param id          unique task id (a UUID string when Jobwire generated it)
 * @param type        handler name, see {@link TaskTypes}
 * @param contentType MIME type of the payload; the transport treats the payload as opaque bytes
 * @param createdAt   when the publisher created the task
 * @param deadline    after this instant the task must not run; null for none
 * @param traceparent W3C trace context; null for none
 * @param notBefore   the task must not start before this instant; null to start at once
 */
public record TaskMetadata(
        String id, String type, String contentType, Instant createdAt, Instant deadline, String traceparent,
        Instant notBefore) {

    public static final String DEFAULT_CONTENT_TYPE = "application/json";
    private static final int MAX_ID_LENGTH = 200;

    public TaskMetadata {
        Objects.requireNonNull(id, "id");
        TaskTypes.requireValid(type);
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A task without a start time. */
    public TaskMetadata(String id, String type, String contentType, Instant createdAt, Instant deadline, String traceparent) {
        this(id, type, contentType, createdAt, deadline, traceparent, null);
    }

    /** A new task with a random id, created now. */
    public static TaskMetadata create(String type, String contentType, Instant deadline, String traceparent) {
        return create(type, contentType, deadline, traceparent, null);
    }

    /** A new task with a random id, created now, that must not start before {@code notBefore} (null: at once). */
    public static TaskMetadata create(String type, String contentType, Instant deadline, String traceparent,
            Instant notBefore) {
        return new TaskMetadata(UUID.randomUUID().toString(), type,
                contentType == null ? DEFAULT_CONTENT_TYPE : contentType, Instant.now(), deadline, traceparent, notBefore);
    }

    /** With another start time (null: at once). */
    public TaskMetadata withNotBefore(Instant instant) {
        return new TaskMetadata(id, type, contentType, createdAt, deadline, traceparent, instant);
    }

    public boolean isExpiredAt(Instant now) {
        return deadline != null && !now.isBefore(deadline);
    }

    /** Writes these fields, and the format version, over any existing Jobwire task headers. */
    public void writeTo(Headers headers) {
        HeaderValues.put(headers, TaskHeaders.FORMAT, TaskHeaders.CURRENT_FORMAT);
        HeaderValues.put(headers, TaskHeaders.TASK_ID, id);
        HeaderValues.put(headers, TaskHeaders.TASK_TYPE, type);
        HeaderValues.put(headers, TaskHeaders.CONTENT_TYPE, contentType);
        HeaderValues.put(headers, TaskHeaders.CREATED_AT, createdAt.toString());
        if (deadline != null) {
            HeaderValues.put(headers, TaskHeaders.DEADLINE, deadline.toString());
        }
        if (traceparent != null) {
            HeaderValues.put(headers, TaskHeaders.TRACEPARENT, traceparent);
        }
        if (notBefore != null) {
            HeaderValues.put(headers, TaskHeaders.NOT_BEFORE, notBefore.toString());
        }
    }

    /**
     * Decodes a task record's headers.
     *
     * @throws MalformedTaskException naming the first header that is missing or invalid
     */
    public static TaskMetadata readFrom(Headers headers) throws MalformedTaskException {
        // One pass, the last of each name winning: every consumed record comes through here, so
        // names are told apart by equals (no hash of a fresh key string), and only the id and the
        // type become strings; the instants are read from their bytes.
        byte[] format = null;
        byte[] id = null;
        byte[] type = null;
        byte[] contentType = null;
        byte[] createdAt = null;
        byte[] deadline = null;
        byte[] traceparent = null;
        byte[] notBefore = null;
        for (Header header : headers) {
            String key = header.key();
            if (!key.startsWith(TaskHeaders.RESERVED_PREFIX)) {
                if (key.equals(TaskHeaders.TRACEPARENT)) {
                    traceparent = header.value();
                }
            } else if (key.equals(TaskHeaders.FORMAT)) {
                format = header.value();
            } else if (key.equals(TaskHeaders.TASK_ID)) {
                id = header.value();
            } else if (key.equals(TaskHeaders.TASK_TYPE)) {
                type = header.value();
            } else if (key.equals(TaskHeaders.CREATED_AT)) {
                createdAt = header.value();
            } else if (key.equals(TaskHeaders.CONTENT_TYPE)) {
                contentType = header.value();
            } else if (key.equals(TaskHeaders.DEADLINE)) {
                deadline = header.value();
            } else if (key.equals(TaskHeaders.NOT_BEFORE)) {
                notBefore = header.value();
            }
        }
        if (format == null || format.length != 1 || format[0] != '1') {
            String text = requirePresent(TaskHeaders.FORMAT, format);
            throw new MalformedTaskException("unsupported " + TaskHeaders.FORMAT + " '"
                    + HeaderValues.abbreviate(text, 16) + "' (this version reads '" + TaskHeaders.CURRENT_FORMAT + "')");
        }
        String idText = requirePresent(TaskHeaders.TASK_ID, id);
        if (idText.length() > MAX_ID_LENGTH) {
            throw new MalformedTaskException("header '" + TaskHeaders.TASK_ID + "' is longer than " + MAX_ID_LENGTH);
        }
        String typeText = requirePresent(TaskHeaders.TASK_TYPE, type);
        String typeProblem = TaskTypes.problem(typeText);
        if (typeProblem != null) {
            throw new MalformedTaskException("header '" + TaskHeaders.TASK_TYPE + "': " + typeProblem);
        }
        if (createdAt == null) {
            throw new MalformedTaskException("missing header '" + TaskHeaders.CREATED_AT + "'");
        }
        return new TaskMetadata(idText, typeText, contentTypeOf(contentType),
                HeaderValues.instant(TaskHeaders.CREATED_AT, createdAt), HeaderValues.instant(TaskHeaders.DEADLINE, deadline),
                traceparent == null ? null : new String(traceparent, StandardCharsets.UTF_8),
                HeaderValues.instant(TaskHeaders.NOT_BEFORE, notBefore));
    }

    private static final byte[] DEFAULT_CONTENT_TYPE_BYTES = DEFAULT_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

    /** Most tasks carry the default content type: no new string for it. */
    private static String contentTypeOf(byte[] value) {
        if (value == null || Arrays.equals(value, DEFAULT_CONTENT_TYPE_BYTES)) {
            return DEFAULT_CONTENT_TYPE;
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    private static String requirePresent(String key, byte[] value) throws MalformedTaskException {
        String text = value == null ? null : new String(value, StandardCharsets.UTF_8);
        requirePresent(key, text);
        return text;
    }

    private static void requirePresent(String key, String value) throws MalformedTaskException {
        if (value == null || value.isBlank()) {
            throw new MalformedTaskException("missing header '" + key + "'");
        }
    }

    /** The replay count header, 0 when absent or unreadable. */
    public static int replayCount(Headers headers) {
        String value = HeaderValues.last(headers, TaskHeaders.REPLAY_COUNT);
        try {
            return value == null ? 0 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
