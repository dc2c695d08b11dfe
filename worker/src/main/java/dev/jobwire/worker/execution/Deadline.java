package dev.jobwire.worker.execution;

import dev.jobwire.worker.time.NanoClock;
import java.time.Instant;

/**
 * When a task must be done, on {@link System#nanoTime()}'s clock: the checks on every attempt
 * compare nano-clock readings, and the instant is worked out only for messages. Immutable.
 */
public final class Deadline {
    private final long nanos;

    private Deadline(long nanos) {
        this.nanos = nanos;
    }

    /** The deadline at nano-clock time {@code nanos}. */
    public static Deadline atNanos(long nanos) {
        return new Deadline(nanos);
    }

    /** {@code at}, measured from now. */
    public static Deadline at(Instant at) {
        return new Deadline(NanoClock.toNanoTime(at, System.nanoTime()));
    }

    public long nanos() {
        return nanos;
    }

    /** The wall-clock instant, for messages and handlers. */
    public Instant at() {
        return NanoClock.instant(nanos);
    }

    /** Nanoseconds left at nano-clock time {@code now}; zero or less once passed. */
    public long nanosLeft(long now) {
        return nanos - now;
    }

    public long nanosLeft() {
        return nanosLeft(System.nanoTime());
    }

    public boolean passed() {
        return nanosLeft() <= 0;
    }

    @Override
    public String toString() {
        return at().toString();
    }
}
