package dev.jobwire.worker.metrics;

import io.micrometer.core.instrument.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Micrometer clock read from a cache a background thread refreshes every few milliseconds.
 * Micrometer reads the clock on every timer record (to rotate its max and histogram windows, which
 * last minutes); with two timers per task that was four clock reads per task. Recorded values are
 * unaffected: they are measured by the caller.
 *
 * <p>Thread-safe: one refreshing daemon thread, volatile reads.
 */
public final class CoarseClock implements Clock {
    public static final CoarseClock INSTANCE = new CoarseClock();
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private volatile long wall = System.currentTimeMillis();
    private volatile long monotonic = System.nanoTime();

    private CoarseClock() {
        Thread.ofPlatform().daemon().name("jobwire-coarse-clock").start(() -> {
            while (true) {
                LockSupport.parkNanos(PERIOD_NANOS);
                wall = System.currentTimeMillis();
                monotonic = System.nanoTime();
            }
        });
    }

    @Override
    public long wallTime() {
        return wall;
    }

    @Override
    public long monotonicTime() {
        return monotonic;
    }
}
