package dev.jobwire.worker.time;

import java.time.Instant;

/**
 * Wall-clock instants on {@link System#nanoTime()}'s scale, so the per-task path reads one clock
 * (the nano clock) and converts, instead of reading the wall clock too: on this project's virtual
 * machines each clock read costs about 25 ns, and a task used to make a dozen. The offset between
 * the two clocks is re-read by {@link #resync()} (the task timer calls it every few milliseconds),
 * so a wall-clock adjustment shows within a tick.
 *
 * <p>Thread-safe: one volatile offset.
 */
public final class NanoClock {
    /** Beyond this many nanoseconds from now (a century) instants are treated as this far: sums must not overflow. */
    private static final long FURTHEST = 36_500L * 86_400 * 1_000_000_000L;
    private static volatile long epochMinusNano = offset();

    private NanoClock() {
    }

    private static long offset() {
        Instant now = Instant.now();
        long nano = System.nanoTime();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - nano;
    }

    /** Re-reads how far apart the wall clock and the nano clock are. */
    public static void resync() {
        epochMinusNano = offset();
    }

    /** {@code instant} on the nano clock's scale, saturated a century from now. */
    public static long toNanoTime(Instant instant, long nowNano) {
        long seconds = instant.getEpochSecond();
        long nowEpochSeconds = (nowNano + epochMinusNano) / 1_000_000_000L;
        if (seconds - nowEpochSeconds > FURTHEST / 1_000_000_000L) {
            return nowNano + FURTHEST;
        }
        if (nowEpochSeconds - seconds > FURTHEST / 1_000_000_000L) {
            return nowNano - FURTHEST;
        }
        return seconds * 1_000_000_000L + instant.getNano() - epochMinusNano;
    }

    /** Milliseconds since the epoch at nano-clock time {@code nano}. */
    public static long epochMillis(long nano) {
        return Math.floorDiv(nano + epochMinusNano, 1_000_000L);
    }

    /** The instant at nano-clock time {@code nano}. */
    public static Instant instant(long nano) {
        long epochNanos = nano + epochMinusNano;
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }
}
