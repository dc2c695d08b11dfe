package dev.jobwire.viewer.kafka;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether the Kafka reader is doing its job, for readiness and for the page: a viewer whose reader
 * died or cannot reach Kafka is blind, and must say so instead of showing an old index as live.
 *
 * <ul>
 *   <li>{@code CATCHING_UP}: reading what was on the topics at start-up;</li>
 *   <li>{@code LIVE}: caught up and polling;</li>
 *   <li>{@code RETRYING}: the last poll failed (Kafka unreachable, topic deleted...); retried every 2 s;</li>
 *   <li>{@code STALLED}: no successful poll for longer than the stall limit (e.g. retrying for a long time);</li>
 *   <li>{@code FAILED}: the reader thread died (e.g. {@link OutOfMemoryError}); nothing new is read
 *       until the viewer is restarted.</li>
 * </ul>
 * Ready means caught up, and neither stalled nor failed.
 *
 * <p>Thread-safety: the reader thread writes, any thread reads; every method is synchronized.
 */
public final class ReaderHealth {
    public enum State { CATCHING_UP, LIVE, RETRYING, STALLED, FAILED }

    private static final String OUT_OF_MEMORY = OutOfMemoryError.class.getName();
    private final Duration stallAfter;
    private boolean caughtUp;
    private boolean failed;
    private String lastError;
    private Instant lastErrorAt;
    private long lastSuccessNanos = System.nanoTime();
    private boolean lastPollFailed;

    public ReaderHealth(Duration stallAfter) {
        this.stallAfter = stallAfter;
    }

    synchronized void polled() {
        lastSuccessNanos = System.nanoTime();
        lastPollFailed = false;
    }

    synchronized void caughtUp() {
        caughtUp = true;
    }

    synchronized void retrying(Throwable e) {
        lastPollFailed = true;
        lastError = describe(e);
        lastErrorAt = Instant.now();
    }

    /** Marks FAILED before anything that allocates: with the heap exhausted, describing {@code e} may fail. */
    synchronized void failed(Throwable e) {
        failed = true;
        lastError = e instanceof OutOfMemoryError ? OUT_OF_MEMORY : null; // a constant, in case describing fails
        lastError = describe(e);
        lastErrorAt = Instant.now();
    }

    public synchronized State state() {
        if (failed) {
            return State.FAILED;
        }
        if (System.nanoTime() - lastSuccessNanos > stallAfter.toNanos()) {
            return State.STALLED;
        }
        if (lastPollFailed) {
            return State.RETRYING;
        }
        return caughtUp ? State.LIVE : State.CATCHING_UP;
    }

    public synchronized boolean ready() {
        State s = state();
        return caughtUp && s != State.FAILED && s != State.STALLED;
    }

    /** A snapshot for the API. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(state(), ready(), lastError, lastErrorAt,
                Duration.ofNanos(System.nanoTime() - lastSuccessNanos).toMillis());
    }

    /**
     * @param lastError           the last failure (class and message), or null
     * @param millisSinceLastPoll since the last successful poll
     */
    public record Snapshot(State state, boolean ready, String lastError, Instant lastErrorAt, long millisSinceLastPoll) {
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getName() + (m == null ? "" : ": " + (m.length() > 300 ? m.substring(0, 300) + "…" : m));
    }
}
