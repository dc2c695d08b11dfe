package dev.jobwire.wire;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Parses the instants in Jobwire headers. Every task carries one, so the common shape, the one
 * {@link Instant#toString()} writes ({@code 2026-11-26T07:06:33.123456789Z}, 0 to 9 fraction
 * digits, years 0000–9999), is read directly; it was a tenth of the worker's time per no-op task
 * through {@link Instant#parse}. Anything else (offsets, leap seconds, odd years) goes to
 * {@link Instant#parse}, so both accept and reject exactly the same texts.
 */
final class IsoInstants {
    private IsoInstants() {
    }

    /** @throws DateTimeParseException as {@link Instant#parse} would */
    static Instant parse(CharSequence text) {
        Instant fast = parseCanonical(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /**
     * As {@link #parse(CharSequence)}, reading bytes in place (a header value, from its position)
     * without making a string.
     */
    static Instant parse(java.nio.ByteBuffer bytes) {
        Instant fast = null;
        if (bytes.hasArray()) {
            fast = parseCanonical(new Ascii(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining()));
        }
        return fast != null ? fast : Instant.parse(RawHeader.text(bytes));
    }

    /** Bytes seen as characters, one per byte: enough for the canonical shape, which is ASCII. */
    private record Ascii(byte[] bytes, int from, int length) implements CharSequence {
        @Override
        public char charAt(int index) {
            return (char) (bytes[from + index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String toString() {
            return new String(bytes, from, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** The instant, or null when {@code text} is not in the canonical UTC shape. */
    private static Instant parseCanonical(CharSequence text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            if (text.charAt(19) != '.' || length == 21) {
                return null;
            }
            int fractionDigits = length - 21;
            int fraction = digits(text, 20, fractionDigits);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null; // e.g. February 30th: Instant.parse words the error
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal value of {@code count} ASCII digits at {@code from}, or -1 if any is not a digit. */
    private static int digits(CharSequence text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
