package dev.jobwire.worker.execution;

import java.time.Duration;
import java.time.Instant;

/**
 * When a task must be done: an instant for messages and the same moment on
 * {@link System#nanoTime()}'s clock for the checks on every attempt (a nano clock read costs less
 * than an {@link Instant}, and never jumps). Immutable.
 */
public record Deadline(Instant at, long nanos) {
    /** Deadlines further out than this are treated as this far: {@code nanoTime} sums must not overflow. */
    private static final Duration FURTHEST = Duration.ofDays(36_500);

    /** {@code at} on the nano clock, measured from now. */
    public static Deadline at(Instant at) {
        Instant now = Instant.now();
        long nowNanos = System.nanoTime();
        Duration left = Duration.between(now, at);
        if (left.compareTo(FURTHEST) > 0) {
            left = FURTHEST;
        } else if (left.compareTo(FURTHEST.negated()) < 0) {
            left = FURTHEST.negated();
        }
        return new Deadline(at, nowNanos + left.toNanos());
    }

    /** Nanoseconds left; zero or less once passed. */
    public long nanosLeft() {
        return nanos - System.nanoTime();
    }

    public boolean passed() {
        return nanosLeft() <= 0;
    }

    @Override
    public String toString() {
        return at.toString();
    }
}
