package dev.jobwire.viewer.index;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The dead-letter headers Spring Kafka's {@code DeadLetterPublishingRecoverer} writes
 * ({@code KafkaHeaders.DLT_*}, prefix {@code kafka_}), so dead letters from other services are
 * readable too. Encodings: topic, class names, messages and stack traces are UTF-8; partition is a
 * 4-byte big-endian int; offset and timestamp (epoch millis) are 8-byte big-endian longs.
 * Stateless and thread-safe.
 */
public final class SpringDltHeaders {
    public static final String PREFIX = "kafka_dlt-";
    public static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    public static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    public static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    public static final String ORIGINAL_TIMESTAMP = "kafka_dlt-original-timestamp";
    public static final String ORIGINAL_TIMESTAMP_TYPE = "kafka_dlt-original-timestamp-type";
    public static final String ORIGINAL_CONSUMER_GROUP = "kafka_dlt-original-consumer-group";
    public static final String EXCEPTION_FQCN = "kafka_dlt-exception-fqcn";
    public static final String EXCEPTION_CAUSE_FQCN = "kafka_dlt-exception-cause-fqcn";
    public static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";
    public static final String EXCEPTION_STACKTRACE = "kafka_dlt-exception-stacktrace";
    public static final String KEY_EXCEPTION_FQCN = "kafka_dlt-key-exception-fqcn";
    public static final String KEY_EXCEPTION_MESSAGE = "kafka_dlt-key-exception-message";
    public static final String KEY_EXCEPTION_STACKTRACE = "kafka_dlt-key-exception-stacktrace";
    /** Spring's retry topics count attempts in this header (4-byte int). */
    public static final String RETRY_ATTEMPTS = "retry_topic-attempts";

    private SpringDltHeaders() {
    }

    /** True when the record carries Spring's dead-letter headers. */
    public static boolean present(Headers headers) {
        return headers.lastHeader(ORIGINAL_TOPIC) != null || headers.lastHeader(EXCEPTION_FQCN) != null
                || headers.lastHeader(KEY_EXCEPTION_FQCN) != null;
    }

    public static String text(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A 4-byte int header; a decimal string is accepted too. */
    public static Integer intValue(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        if (h == null || h.value() == null) {
            return null;
        }
        if (h.value().length == Integer.BYTES) {
            return ByteBuffer.wrap(h.value()).getInt();
        }
        Long parsed = decimal(h.value());
        return parsed == null ? null : parsed.intValue();
    }

    /** An 8-byte long header; a decimal string is accepted too. */
    public static Long longValue(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        if (h == null || h.value() == null) {
            return null;
        }
        if (h.value().length == Long.BYTES) {
            return ByteBuffer.wrap(h.value()).getLong();
        }
        return decimal(h.value());
    }

    public static Instant timestamp(Headers headers, String key) {
        Long millis = longValue(headers, key);
        return millis == null || millis < 0 ? null : Instant.ofEpochMilli(millis);
    }

    /** How to show a header value in the UI: Spring's binary numbers as numbers, else null. */
    public static String binaryAsText(String key, byte[] value) {
        if (value == null) {
            return null;
        }
        if ((key.equals(ORIGINAL_PARTITION) || key.equals(RETRY_ATTEMPTS)) && value.length == Integer.BYTES) {
            return Integer.toString(ByteBuffer.wrap(value).getInt());
        }
        if (key.equals(ORIGINAL_OFFSET) && value.length == Long.BYTES) {
            return Long.toString(ByteBuffer.wrap(value).getLong());
        }
        if (key.equals(ORIGINAL_TIMESTAMP) && value.length == Long.BYTES) {
            long millis = ByteBuffer.wrap(value).getLong();
            return millis + " (" + Instant.ofEpochMilli(millis) + ")";
        }
        return null;
    }

    private static Long decimal(byte[] value) {
        try {
            return Long.parseLong(new String(value, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
