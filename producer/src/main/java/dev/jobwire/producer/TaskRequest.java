package dev.jobwire.producer;

import dev.jobwire.logging.ControlChars;
import dev.jobwire.producer.internal.Durations;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.wire.TaskTypes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One task to publish. Immutable and validated on construction, so an invalid request cannot
 * exist: every problem is an {@link IllegalArgumentException} whose message says what is wrong.
 * Build with {@link #builder(String)}.
 *
 * <p>Defaults: empty payload, no key, no extra headers, no deadline, content type
 * {@value TaskMetadata#DEFAULT_CONTENT_TYPE}, no traceparent, the publisher's default topic, and no
 * delay (the task may start at once).
 *
 * <p>A task may be given a start time, either as a {@code delay} counted from the moment it is
 * published or as an instant ({@code notBefore}), not both. Either may be at most {@link #MAX_DELAY}
 * ahead; a {@code notBefore} already past means "at once". The deadline, when given, must be after
 * the start time, or the task would expire before it may start. What needs a clock (the start time
 * of a delay, a {@code notBefore} too far ahead, a deadline before a delay's end) is checked by
 * {@link #startTime(Instant)}, which the publisher calls at the moment of publishing.
 *
 * <p>{@code equals} compares the payload array by identity, as records do.
 *
 * @param type        handler name, see {@link TaskTypes}
 * @param payload     the record value, opaque bytes (copied)
 * @param key         record key (UTF-8); tasks with one key stay in order; null for none
 * @param headers     extra headers (UTF-8 values), kept in order; names starting with
 *                    {@code jobwire.} (any case) and {@code traceparent} are reserved, and names
 *                    must not hold control characters (CR, LF, NUL…) or bidirectional controls
 * @param deadline    the task must not start after this instant; null for none
 * @param contentType MIME type of the payload
 * @param traceparent W3C trace context ({@code 00-<32 hex>-<16 hex>-<2 hex>}); null for none
 * @param topic       topic to publish to; null for the publisher's default
 * @param delay       the task must not start before this much time after it is published; null or
 *                    zero for at once; not negative, at most {@link #MAX_DELAY}
 * @param notBefore   the task must not start before this instant; null for at once
 */
public record TaskRequest(String type, byte[] payload, String key, Map<String, String> headers, Instant deadline,
        String contentType, String traceparent, String topic, Duration delay, Instant notBefore) {

    /** {@link #MAX_DELAY} in days. */
    public static final long MAX_DELAY_DAYS = 3650;
    /**
     * The furthest ahead a task may be scheduled: 3650 days (about 10 years). A start time further
     * out is almost always a unit mistake (milliseconds taken for seconds, a year typed wrong).
     */
    public static final Duration MAX_DELAY = Duration.ofDays(MAX_DELAY_DAYS);

    private static final Pattern CONTENT_TYPE = Pattern.compile(
            "[A-Za-z0-9!#$&^_.+-]{1,127}/[A-Za-z0-9!#$&^_.+-]{1,127}(\\s*;.*)?");
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final int MAX_HEADER_NAME_LENGTH = 256;

    /** @throws IllegalArgumentException when any field is invalid, naming the field */
    public TaskRequest {
        TaskTypes.requireValid(type);
        payload = payload == null ? new byte[0] : payload.clone();
        Map<String, String> copy = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> {
                require(headerNameProblem(name));
                if (value == null) {
                    throw new IllegalArgumentException("header '" + name + "' has no value");
                }
                copy.put(name, value);
            });
        }
        headers = Collections.unmodifiableMap(copy);
        contentType = contentType == null ? TaskMetadata.DEFAULT_CONTENT_TYPE : contentType;
        require(contentTypeProblem(contentType));
        if (traceparent != null) {
            require(traceparentProblem(traceparent));
        }
        if (topic != null) {
            require(topicProblem(topic));
        }
        if (delay != null) {
            require(delayProblem(delay));
            if (notBefore != null) {
                throw new IllegalArgumentException("give either a delay or a notBefore, not both");
            }
        }
        if (notBefore != null && deadline != null) {
            require(deadlineBeforeStartProblem(deadline, notBefore));
        }
    }

    /**
     * When the task may start if it is published at {@code now}: {@code now + delay}, or
     * {@code notBefore}; null when it may start at once (no delay, a zero delay, or a
     * {@code notBefore} not after {@code now}).
     *
     * @throws IllegalArgumentException when the start time is more than {@link #MAX_DELAY} after
     *                                  {@code now}, or the deadline is not after it
     */
    public Instant startTime(Instant now) {
        Instant start;
        if (delay != null) {
            start = delay.isZero() ? null : now.plus(delay);
        } else if (notBefore != null) {
            require(notBeforeProblem(notBefore, now));
            start = notBefore.isAfter(now) ? notBefore : null;
        } else {
            start = null;
        }
        if (start != null && deadline != null) {
            require(deadlineBeforeStartProblem(deadline, start));
        }
        return start;
    }

    public static Builder builder(String type) {
        return new Builder(type);
    }

    /** The payload (a copy). */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Size of the payload in bytes, without copying it. */
    public int payloadSize() {
        return payload.length;
    }

    /** Null when {@code name} may be used as an extra header, otherwise why not. */
    public static String headerNameProblem(String name) {
        if (name == null || name.isBlank()) {
            return "header names must not be empty";
        }
        if (name.length() > MAX_HEADER_NAME_LENGTH) {
            return "header name '" + ControlChars.escape(HeaderValues.abbreviate(name, 64)) + "' is longer than "
                    + MAX_HEADER_NAME_LENGTH;
        }
        int unsafe = ControlChars.firstUnsafe(name);
        if (unsafe >= 0) {
            return "header name '" + ControlChars.escape(HeaderValues.abbreviate(name, 64)) + "' holds "
                    + String.format("U+%04X", (int) name.charAt(unsafe)) + " at position " + unsafe
                    + ": header names must not hold control characters (CR, LF, NUL...) or bidirectional controls";
        }
        if (name.toLowerCase(Locale.ROOT).startsWith(TaskHeaders.RESERVED_PREFIX)) {
            return "header '" + HeaderValues.abbreviate(name, 64) + "' is reserved: names starting with '"
                    + TaskHeaders.RESERVED_PREFIX + "' are set by Jobwire";
        }
        if (name.equalsIgnoreCase(TaskHeaders.TRACEPARENT)) {
            return "header '" + TaskHeaders.TRACEPARENT + "' is reserved: set the traceparent field instead";
        }
        return null;
    }

    /** Null when {@code value} looks like a MIME type ({@code type/subtype[;params]}), otherwise why not. */
    public static String contentTypeProblem(String value) {
        return value.length() <= 255 && CONTENT_TYPE.matcher(value).matches()
                ? null
                : "content type '" + HeaderValues.abbreviate(value, 64) + "' is not a MIME type like application/json";
    }

    /** Null when {@code value} is a W3C traceparent, otherwise why not. */
    public static String traceparentProblem(String value) {
        return TRACEPARENT.matcher(value).matches()
                ? null
                : "traceparent '" + HeaderValues.abbreviate(value, 64)
                        + "' is not W3C trace context (version-traceid-parentid-flags, lower-case hex)";
    }

    /** Null when {@code topic} is a legal Kafka topic name, otherwise why not. */
    public static String topicProblem(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "topic name is empty";
        }
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            return "topic '" + HeaderValues.abbreviate(topic, 64)
                    + "' is not a legal Kafka topic name (1-249 of letters, digits, '.', '_', '-')";
        }
        return null;
    }

    /** Null when {@code delay} may be used, otherwise why not. */
    public static String delayProblem(Duration delay) {
        if (delay.isNegative()) {
            return "delay " + Durations.format(delay) + " is negative; a task cannot be scheduled in the past "
                    + "(no delay, or zero, starts it at once)";
        }
        if (delay.compareTo(MAX_DELAY) > 0) {
            return "delay " + Durations.format(delay) + " is longer than the maximum of " + MAX_DELAY_DAYS
                    + " days (about 10 years)";
        }
        return null;
    }

    /** Null when a task published at {@code now} may be given {@code notBefore}, otherwise why not. */
    public static String notBeforeProblem(Instant notBefore, Instant now) {
        return Duration.between(now, notBefore).compareTo(MAX_DELAY) > 0
                ? "notBefore " + notBefore + " is more than " + MAX_DELAY_DAYS + " days (about 10 years) ahead"
                : null;
    }

    /** Null when a task may start at {@code start} and still meet {@code deadline}, otherwise why not. */
    public static String deadlineBeforeStartProblem(Instant deadline, Instant start) {
        return deadline.isAfter(start)
                ? null
                : "deadline " + deadline + " is not after the start time " + start
                        + ": the task would expire before it may start";
    }

    private static void require(String problem) {
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Collects the fields of a {@link TaskRequest}. Not thread-safe. */
    public static final class Builder {
        private final String type;
        private byte[] payload = new byte[0];
        private String key;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Instant deadline;
        private String contentType;
        private String traceparent;
        private String topic;
        private Duration delay;
        private Instant notBefore;

        private Builder(String type) {
            this.type = type;
        }

        public Builder payload(byte[] payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            return this;
        }

        /** The payload as UTF-8 text (JSON, by the default content type). */
        public Builder payload(String payload) {
            return payload(Objects.requireNonNull(payload, "payload").getBytes(StandardCharsets.UTF_8));
        }

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder headers(Map<String, String> headers) {
            this.headers.putAll(headers);
            return this;
        }

        public Builder deadline(Instant deadline) {
            this.deadline = deadline;
            return this;
        }

        public Builder contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        public Builder traceparent(String traceparent) {
            this.traceparent = traceparent;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /**
         * The task must not start before this much time after it is published (at most
         * {@link #MAX_DELAY}); null or zero for at once. Excludes {@link #notBefore}.
         */
        public Builder delay(Duration delay) {
            this.delay = delay;
            return this;
        }

        /** The task must not start before this instant; null, or an instant already past, for at once. Excludes {@link #delay}. */
        public Builder notBefore(Instant notBefore) {
            this.notBefore = notBefore;
            return this;
        }

        /** @throws IllegalArgumentException when a field is invalid */
        public TaskRequest build() {
            return new TaskRequest(type, payload, key, headers, deadline, contentType, traceparent, topic, delay,
                    notBefore);
        }
    }
}
