package dev.jobwire.producer.internal;

import java.time.Duration;

/** Short human forms of durations for messages: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1m30s}, {@code 2h}. */
public final class Durations {
    private Durations() {
    }

    /** As above; durations too long for milliseconds in a {@code long} stay in ISO-8601 ({@code PT…H}). */
    public static String format(Duration d) {
        long seconds = d.getSeconds();
        if (seconds > Long.MAX_VALUE / 1000 - 1 || seconds < Long.MIN_VALUE / 1000 + 1) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s / 60 + "m" + s % 60 + "s";
    }
}
