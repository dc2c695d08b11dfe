package dev.jobwire.ops;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * How every Jobwire service stops: SIGTERM and SIGINT are handled by the service itself, not by a
 * shutdown hook, so the main thread runs its graceful stop and the process then exits with 0 (a
 * hook-based stop exits 143, which orchestrators read as a failure). A second signal while
 * stopping is logged and ignored: the graceful stop has its own time limits.
 *
 * <p>Thread-safe.
 */
public final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private final CountDownLatch stop = new CountDownLatch(1);

    private StopSignals() {
    }

    /** Installs the handlers; from now on SIGTERM and SIGINT only release {@link #await}. */
    public static StopSignals install(String service) {
        StopSignals signals = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (signals.stop.getCount() > 0) {
                    log.info("SIG{} received: stopping {} gracefully", name, service);
                    signals.stop.countDown();
                } else {
                    log.info("SIG{} received again: already stopping", name);
                }
            });
        }
        return signals;
    }

    /** Waits for a stop signal at most {@code timeout}; true once one arrived. */
    public boolean await(Duration timeout) throws InterruptedException {
        return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Blocks until a stop signal arrives. */
    public void await() throws InterruptedException {
        stop.await();
    }

    /** Stops as if signalled (a fatal error, a test). */
    public void trigger() {
        stop.countDown();
    }
}
