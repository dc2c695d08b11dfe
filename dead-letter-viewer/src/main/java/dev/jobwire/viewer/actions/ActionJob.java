package dev.jobwire.viewer.actions;

import dev.jobwire.viewer.audit.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One replay or dry run running in the background, polled by the page for its progress. A dry run
 * counts what would be sent and keeps previews of the first records; a replay counts what was sent.
 *
 * <p>Thread-safety: the job's worker thread updates it, HTTP threads read {@link #status()} and
 * call {@link #cancel()}; state is guarded by this object's lock, the cancel flag is volatile.
 */
public final class ActionJob {
    /** Outcomes kept for display; the audit topic has all of them. */
    static final int MAX_ITEMS = 500;
    /** Dry-run previews kept. */
    static final int MAX_PREVIEWS = 100;

    public enum Kind { REPLAY, DRY_RUN }

    public enum State { RUNNING, DONE, FAILED, CANCELLED }

    private final String id;
    private final Kind kind;
    private final String actor;
    private final ReplayRequest request;
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
    private final List<Preview> previews = new ArrayList<>();

    public ActionJob(String id, Kind kind, String actor, ReplayRequest request) {
        this.id = id;
        this.kind = kind;
        this.actor = actor;
        this.request = request;
        this.total = request.refs().size();
    }

    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    public String actor() {
        return actor;
    }

    public ReplayRequest request() {
        return request;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    public void cancel() {
        cancelRequested = true;
    }

    /** Counts an outcome: {@code SENT} (or, in a dry run, would be sent), {@code REFUSED} or {@code FAILED}. */
    synchronized void record(AuditRecord.Item item) {
        switch (item.outcome()) {
            case AuditRecord.Item.SENT -> sent++;
            case AuditRecord.Item.REFUSED -> refused++;
            default -> failed++;
        }
        if (items.size() < MAX_ITEMS && (kind == Kind.REPLAY || !item.succeeded())) {
            items.add(item);
        }
    }

    synchronized void preview(Preview preview) {
        if (previews.size() < MAX_PREVIEWS) {
            previews.add(preview);
        }
    }

    synchronized void finish(State finalState, String why) {
        if (state == State.RUNNING) {
            state = finalState;
            error = why;
            finishedAt = Instant.now();
        }
    }

    public synchronized State state() {
        return state;
    }

    public synchronized Status status() {
        boolean dry = kind == Kind.DRY_RUN;
        return new Status(id, kind, dry, actor, state, total, sent + refused + failed, dry ? 0 : sent, dry ? sent : 0,
                refused, failed, request.targetOverride(), request.override(), request.force(), startedAt, finishedAt,
                error, List.copyOf(items), List.copyOf(previews));
    }

    /**
     * A snapshot for the API.
     *
     * @param processed dead letters handled so far (sent + would send + refused + failed)
     * @param items     outcomes (a replay's every outcome, a dry run's refusals), the first {@value #MAX_ITEMS}
     * @param records   a dry run's previews of what would be sent, the first {@value #MAX_PREVIEWS}
     */
    public record Status(String id, Kind kind, boolean dryRun, String actor, State state, int total, int processed,
            int sent, int wouldSend, int refused, int failed, String targetOverride, String override, boolean force,
            Instant startedAt, Instant finishedAt, String error, List<AuditRecord.Item> items, List<Preview> records) {
    }

    /** A record that a dry run would send, as text for the page. */
    public record Preview(String ref, String topic, int replayCount, String key, String value,
            List<Map<String, String>> headers) {
    }
}
