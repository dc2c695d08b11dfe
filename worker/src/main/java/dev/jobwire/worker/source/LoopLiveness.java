package dev.jobwire.worker.source;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Whether a source's poll loop still turns, and when it has ended: what readiness and liveness
 * read. A loop never waits on a task, so one that has not turned for {@link #STALL} is stuck.
 *
 * <p>Thread-safe: the loop's thread marks turns and the end; any thread reads.
 */
public final class LoopLiveness {
    static final Duration STALL = Duration.ofSeconds(30);
    private static final long STALL_NANOS = STALL.toNanos();

    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile long lastTurnNanos = System.nanoTime();

    /** The loop turned (polled, or looked at its work) at {@code nowNanos}. */
    public void turned(long nowNanos) {
        lastTurnNanos = nowNanos;
    }

    /** The loop has ended, for good. */
    public void ended() {
        ended.countDown();
    }

    public boolean awaitEnded(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The loop runs and turned within {@link #STALL}. */
    public boolean isTurning() {
        return ended.getCount() > 0 && System.nanoTime() - lastTurnNanos < STALL_NANOS;
    }

    /** Why the loop counts as stuck ("the {@code what} has not ... for N s"), or null if it is not. */
    public String stallReason(String what) {
        long since = System.nanoTime() - lastTurnNanos;
        return since > STALL_NANOS ? what + " for " + TimeUnit.NANOSECONDS.toSeconds(since) + " s" : null;
    }
}
