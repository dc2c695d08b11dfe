package dev.jobwire.viewer.actions;

import java.util.concurrent.TimeUnit;

/**
 * Spaces sends to at most {@code perSecond}, allowing a burst of ten after idling.
 * Thread-safety: not thread-safe; one per job thread.
 */
final class Pacer {
    private final long permitNanos;
    private long nextPermit = System.nanoTime();

    Pacer(int perSecond) {
        this.permitNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
    }

    /** Sleeps until the next send is allowed. */
    void acquire() throws InterruptedException {
        long now = System.nanoTime();
        if (nextPermit > now) {
            TimeUnit.NANOSECONDS.sleep(nextPermit - now);
            nextPermit += permitNanos;
        } else {
            nextPermit = Math.max(nextPermit, now - permitNanos * 10) + permitNanos;
        }
    }
}
