package dev.jobwire.viewer.security;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down token guessing, per client address: the first {@value #FREE_FAILURES} wrong tokens in a
 * row cost nothing; each one after that blocks the client for twice as long as the one before (1 s,
 * 2 s, 4 s... at most 15 minutes). While blocked, the client's token is not even checked (429). A
 * correct token resets the count; so does an hour without failures. Every failure is logged with
 * the client's address. At most 10,000 clients are tracked (the oldest quiet ones are forgotten).
 *
 * <p>Thread-safety: thread-safe; per-client state is updated atomically in a concurrent map.
 */
public final class AuthThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(AuthThrottle.class);
    public static final int FREE_FAILURES = 5;
    private static final long FIRST_BLOCK_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long MAX_BLOCK_NANOS = Duration.ofMinutes(15).toNanos();
    private static final long FORGET_NANOS = Duration.ofHours(1).toNanos();
    private static final int MAX_CLIENTS = 10_000;

    private record Failures(int count, long lastNanos, long blockedUntilNanos) {
    }

    private final Map<String, Failures> clients = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public AuthThrottle() {
        this(System::nanoTime);
    }

    AuthThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** How long {@code client} must still wait before its next token is checked; zero when it need not. */
    public Duration blockedFor(String client) {
        Failures f = clients.get(client);
        long now = nanoClock.getAsLong();
        return f == null || f.blockedUntilNanos() - now <= 0 ? Duration.ZERO : Duration.ofNanos(f.blockedUntilNanos() - now);
    }

    /**
     * Records a wrong token from {@code client} and logs it.
     *
     * @param what which check failed (for the log), e.g. {@code "Bearer token"}
     */
    public void failed(String client, String what) {
        long now = nanoClock.getAsLong();
        if (clients.size() >= MAX_CLIENTS) {
            clients.values().removeIf(f -> now - f.lastNanos() > FORGET_NANOS || f.blockedUntilNanos() - now <= 0);
        }
        Failures f = clients.compute(client, (c, old) -> {
            int count = old == null || now - old.lastNanos() > FORGET_NANOS ? 1 : old.count() + 1;
            long block = count <= FREE_FAILURES ? 0
                    : Math.min(MAX_BLOCK_NANOS, FIRST_BLOCK_NANOS << Math.min(30, count - FREE_FAILURES - 1));
            return new Failures(count, now, now + block);
        });
        long blockMillis = Duration.ofNanos(f.blockedUntilNanos() - now).toMillis();
        LOG.warn("Wrong viewer token ({}) from {}: {} failure(s) in a row{}", what, client, f.count(),
                blockMillis > 0 ? "; its next attempt is refused for " + blockMillis + " ms" : "");
    }

    public void succeeded(String client) {
        clients.remove(client);
    }
}
