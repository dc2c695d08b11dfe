package dev.jobwire.worker.completion;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the writes that finish tasks (dead letters, delayed tasks) are getting through: the last
 * answer the broker gave, and how many writes are pending. Readiness and metrics read it.
 *
 * <p>Thread-safe.
 */
public final class WriteHealth {
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();
    private volatile Instant failingSince;
    private volatile String lastFailure = "";

    void started() {
        pending.incrementAndGet();
    }

    void ended() {
        pending.decrementAndGet();
    }

    void succeeded() {
        failingSince = null;
    }

    void failed(String what) {
        failures.incrementAndGet();
        lastFailure = what;
        if (failingSince == null) {
            failingSince = Instant.now();
        }
    }

    /** Writes begun and not yet acknowledged or given up. */
    public int pending() {
        return pending.get();
    }

    /** Attempts the broker did not acknowledge, since start. */
    public long failures() {
        return failures.get();
    }

    /**
     * Why writes are not getting through, or null when they are: the latest attempt failed, no
     * write succeeded since, and writes are waiting.
     */
    public String problem() {
        Instant since = failingSince;
        if (since == null || pending.get() == 0) {
            return null;
        }
        long seconds = Duration.between(since, Instant.now()).toSeconds();
        return pending.get() + " dead-letter or delayed-task write(s) pending, failing for " + seconds + " s: " + lastFailure;
    }
}
