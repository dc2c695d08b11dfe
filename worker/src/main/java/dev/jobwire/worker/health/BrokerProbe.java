package dev.jobwire.worker.health;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster for its nodes every few seconds, on its own connection, so readiness knows
 * whether the broker answers even while no records flow. Logs when the broker stops and starts
 * answering.
 *
 * <p>Thread-safe: one virtual thread probes; any thread reads.
 */
public final class BrokerProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerProbe.class);

    private final Admin admin;
    private final Duration every;
    private final Duration unreachableAfter;
    private final Thread thread;
    private volatile long lastAnswerNanos = System.nanoTime();
    private volatile String lastError = "";
    private volatile boolean closed;

    /**
     * @param unreachableAfter the broker counts as unreachable once it has not answered for this long
     */
    public BrokerProbe(Admin admin, Duration every, Duration unreachableAfter) {
        this.admin = admin;
        this.every = every;
        this.unreachableAfter = unreachableAfter;
        this.thread = Thread.ofVirtual().name("jobwire-broker-probe").unstarted(this::run);
    }

    public BrokerProbe start() {
        thread.start();
        return this;
    }

    private void run() {
        boolean answering = true;
        while (!closed) {
            try {
                admin.describeCluster().nodes().get(every.toMillis(), TimeUnit.MILLISECONDS);
                lastAnswerNanos = System.nanoTime();
                if (!answering) {
                    log.info("the broker answers again");
                }
                answering = true;
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                lastError = e.getCause() != null ? e.getCause().toString() : e.toString();
                if (answering && problem() != null) {
                    log.warn("the broker has not answered for {} s: {}", secondsSinceAnswer(), lastError);
                    answering = false;
                }
            }
        }
    }

    private long secondsSinceAnswer() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - lastAnswerNanos);
    }

    /** Why the broker counts as unreachable, or null when it answered recently. */
    public String problem() {
        if (System.nanoTime() - lastAnswerNanos < unreachableAfter.toNanos()) {
            return null;
        }
        return "the broker has not answered for " + secondsSinceAnswer() + " s" + (lastError.isEmpty() ? "" : ": " + lastError);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
