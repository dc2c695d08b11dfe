package dev.jobwire.viewer.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The progress of one replay request, polled by the page. Thread-safety: the job's worker thread
 * updates it, HTTP threads read {@link #status()}; all access is under this object's lock.
 */
public final class ReplayJob {
    /** Items kept for display; the audit topic has all of them. */
    private static final int MAX_ITEMS = 500;

    public enum State { RUNNING, DONE, FAILED, CANCELLED }

    private final String id;
    private final String actor;
    private final String targetOverride;
    private final int total;
    private final Instant startedAt = Instant.now();
    private State state = State.RUNNING;
    private int sent;
    private int refused;
    private int failed;
    private Instant finishedAt;
    private String error;
    private volatile boolean cancelRequested;
    private final List<AuditRecord.Item> items = new ArrayList<>();

    public ReplayJob(String id, String actor, String targetOverride, int total) {
        this.id = id;
        this.actor = actor;
        this.targetOverride = targetOverride;
        this.total = total;
    }

    public String id() {
        return id;
    }

    public String actor() {
        return actor;
    }

    public String targetOverride() {
        return targetOverride;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    public void cancel() {
        cancelRequested = true;
    }

    synchronized void record(AuditRecord.Item item) {
        switch (item.outcome()) {
            case "SENT" -> sent++;
            case "REFUSED" -> refused++;
            default -> failed++;
        }
        if (items.size() < MAX_ITEMS) {
            items.add(item);
        }
    }

    synchronized void finish(State finalState, String why) {
        state = finalState;
        error = why;
        finishedAt = Instant.now();
    }

    public synchronized Status status() {
        return new Status(id, actor, state, total, sent + refused + failed, sent, refused, failed, targetOverride,
                startedAt, finishedAt, error, List.copyOf(items));
    }

    /** A snapshot for the API. */
    public record Status(String id, String actor, State state, int total, int processed, int sent, int refused,
            int failed, String targetOverride, Instant startedAt, Instant finishedAt, String error,
            List<AuditRecord.Item> items) {
    }
}
