package dev.jobwire.wire;

import java.time.Instant;
import java.nio.ByteBuffer;
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
        // One pass, the last of each name winning. Every consumed record comes through here, so the
        // headers are read in place (RawHeader): names are compared as bytes, the instants are read
        // from their bytes, and only the id becomes a new string (the type is a cached one).
        RawHeader raw = new RawHeader();
        ByteBuffer format = null;
        ByteBuffer id = null;
        ByteBuffer type = null;
        ByteBuffer contentType = null;
        ByteBuffer createdAt = null;
        ByteBuffer deadline = null;
        String traceparent = null;
        ByteBuffer notBefore = null;
        for (Header header : headers) {
            raw.of(header);
            // Told apart by length first: one byte comparison per header, not one per name tried.
            switch (raw.keyLength()) {
                case 11 -> {
                    if (raw.keyIs(TaskHeaders.TRACEPARENT, TRACEPARENT_KEY)) {
                        traceparent = raw.valueText();
                    }
                }
                case 14 -> {
                    if (raw.keyIs(TaskHeaders.FORMAT, FORMAT_KEY)) {
                        format = raw.value();
                    }
                }
                case 15 -> {
                    if (raw.keyIs(TaskHeaders.TASK_ID, TASK_ID_KEY)) {
                        id = raw.value();
                    }
                }
                case 16 -> {
                    if (raw.keyIs(TaskHeaders.DEADLINE, DEADLINE_KEY)) {
                        deadline = raw.value();
                    }
                }
                case 17 -> {
                    if (raw.keyIs(TaskHeaders.TASK_TYPE, TASK_TYPE_KEY)) {
                        type = raw.value();
                    }
                }
                case 18 -> {
                    if (raw.keyIs(TaskHeaders.CREATED_AT, CREATED_AT_KEY)) {
                        createdAt = raw.value();
                    } else if (raw.keyIs(TaskHeaders.NOT_BEFORE, NOT_BEFORE_KEY)) {
                        notBefore = raw.value();
                    }
                }
                case 20 -> {
                    if (raw.keyIs(TaskHeaders.CONTENT_TYPE, CONTENT_TYPE_KEY)) {
                        contentType = raw.value();
                    }
                }
                default -> {
                }
            }
        }
        if (format == null || format.remaining() != 1 || format.get(format.position()) != '1') {
            String text = requirePresent(TaskHeaders.FORMAT, format);
            throw new MalformedTaskException("unsupported " + TaskHeaders.FORMAT + " '"
                    + HeaderValues.abbreviate(text, 16) + "' (this version reads '" + TaskHeaders.CURRENT_FORMAT + "')");
        }
        String idText = requirePresent(TaskHeaders.TASK_ID, id);
        if (idText.length() > MAX_ID_LENGTH) {
            throw new MalformedTaskException("header '" + TaskHeaders.TASK_ID + "' is longer than " + MAX_ID_LENGTH);
        }
        String typeText = TYPES.get(type);
        if (typeText == null) {
            typeText = requirePresent(TaskHeaders.TASK_TYPE, type);
            String typeProblem = TaskTypes.problem(typeText);
            if (typeProblem != null) {
                throw new MalformedTaskException("header '" + TaskHeaders.TASK_TYPE + "': " + typeProblem);
            }
            TYPES.put(type, typeText);
        }
        if (createdAt == null) {
            throw new MalformedTaskException("missing header '" + TaskHeaders.CREATED_AT + "'");
        }
        return new TaskMetadata(idText, typeText, contentTypeOf(contentType),
                HeaderValues.instant(TaskHeaders.CREATED_AT, createdAt), HeaderValues.instant(TaskHeaders.DEADLINE, deadline),
                traceparent, HeaderValues.instant(TaskHeaders.NOT_BEFORE, notBefore));
    }

    static {
        // The length dispatch in readFrom relies on these lengths.
        if (TaskHeaders.TRACEPARENT.length() != 11 || TaskHeaders.FORMAT.length() != 14 || TaskHeaders.TASK_ID.length() != 15
                || TaskHeaders.DEADLINE.length() != 16 || TaskHeaders.TASK_TYPE.length() != 17
                || TaskHeaders.CREATED_AT.length() != 18 || TaskHeaders.NOT_BEFORE.length() != 18
                || TaskHeaders.CONTENT_TYPE.length() != 20) {
            throw new ExceptionInInitializerError("task header names changed length: update TaskMetadata.readFrom");
        }
    }

    private static final byte[] FORMAT_KEY = RawHeader.ascii(TaskHeaders.FORMAT);
    private static final byte[] TASK_ID_KEY = RawHeader.ascii(TaskHeaders.TASK_ID);
    private static final byte[] TASK_TYPE_KEY = RawHeader.ascii(TaskHeaders.TASK_TYPE);
    private static final byte[] CREATED_AT_KEY = RawHeader.ascii(TaskHeaders.CREATED_AT);
    private static final byte[] CONTENT_TYPE_KEY = RawHeader.ascii(TaskHeaders.CONTENT_TYPE);
    private static final byte[] DEADLINE_KEY = RawHeader.ascii(TaskHeaders.DEADLINE);
    private static final byte[] NOT_BEFORE_KEY = RawHeader.ascii(TaskHeaders.NOT_BEFORE);
    private static final byte[] TRACEPARENT_KEY = RawHeader.ascii(TaskHeaders.TRACEPARENT);
    private static final byte[] DEFAULT_CONTENT_TYPE_BYTES = RawHeader.ascii(DEFAULT_CONTENT_TYPE);
    /** Valid type names seen lately: the same string for every task of a type, its hash computed once. */
    private static final RecentStrings TYPES = new RecentStrings(32);

    /** Most tasks carry the default content type: no new string for it. */
    private static String contentTypeOf(ByteBuffer value) {
        if (value == null || RawHeader.equals(value, DEFAULT_CONTENT_TYPE_BYTES)) {
            return DEFAULT_CONTENT_TYPE;
        }
        return RawHeader.text(value);
    }

    private static String requirePresent(String key, ByteBuffer value) throws MalformedTaskException {
        String text = value == null ? null : RawHeader.text(value);
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
