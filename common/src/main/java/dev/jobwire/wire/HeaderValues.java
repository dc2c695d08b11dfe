package dev.jobwire.wire;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reads and writes the UTF-8 string values used by every Jobwire header. */
public final class HeaderValues {
    private HeaderValues() {
    }

    public static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    public static String string(Header header) {
        return header == null || header.value() == null
                ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The last value of {@code key}, or null when absent. */
    public static String last(Headers headers, String key) {
        return string(headers.lastHeader(key));
    }

    /** Replaces every header named {@code key} with one holding {@code value}. */
    public static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, utf8(value));
    }

    public static String required(Headers headers, String key) throws MalformedTaskException {
        String value = last(headers, key);
        if (value == null || value.isBlank()) {
            throw new MalformedTaskException("missing header '" + key + "'");
        }
        return value;
    }

    public static Instant instant(Headers headers, String key) throws MalformedTaskException {
        return instant(key, last(headers, key));
    }

    /** {@code value} of header {@code key} as an instant; null when null. */
    static Instant instant(String key, String value) throws MalformedTaskException {
        if (value == null) {
            return null;
        }
        try {
            return IsoInstants.parse(value);
        } catch (DateTimeParseException e) {
            throw new MalformedTaskException(
                    "header '" + key + "' is not an ISO-8601 instant: '" + abbreviate(value, 64) + "'");
        }
    }

    /** {@code value} (from its position) of header {@code key} as an instant; null when null. */
    static Instant instant(String key, java.nio.ByteBuffer value) throws MalformedTaskException {
        if (value == null) {
            return null;
        }
        try {
            return IsoInstants.parse(value);
        } catch (DateTimeParseException e) {
            throw new MalformedTaskException("header '" + key + "' is not an ISO-8601 instant: '"
                    + abbreviate(RawHeader.text(value), 64) + "'");
        }
    }

    public static String abbreviate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "…";
    }
}
