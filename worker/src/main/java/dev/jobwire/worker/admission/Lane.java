package dev.jobwire.worker.admission;

import java.util.ArrayDeque;

/**
 * The work of one part of a source (a partition, for a consumer group): its buffered records, its
 * running tasks, and the writes its finished tasks still wait for. Sources create one per
 * assignment and give it up on revocation; a record always points to the lane it came in on, so a
 * task finishing after its partition moved elsewhere touches only its old lane.
 *
 * <p>Thread-safety: the queue and counters are guarded by {@link Admission}'s lock; the cancelled
 * flag and {@link #writes()} are safe from any thread.
 */
public final class Lane {
    private final Object id;
    /** "topic-partition@": what log lines put before a record's offset. */
    private final String label;
    final KeyedQueue<WorkItem> queue = new KeyedQueue<>();
    /** Held items whose due time came, to start before the queue (they still hold their key). */
    final ArrayDeque<WorkItem> resumed = new ArrayDeque<>();
    int active;
    int held;
    boolean inRotation;
    boolean dropped;
    private volatile boolean cancelled;
    private final PendingWrites writes = new PendingWrites();

    public Lane(Object id) {
        this.id = id;
        this.label = id + "@";
    }

    /** What the source calls it (a {@code TopicPartition} for consumer groups). */
    public Object id() {
        return id;
    }

    /** Gives up on every task of this lane: running ones see it, new ones are not started. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Dead letters and delayed tasks of this lane that are written but not yet acknowledged. */
    public PendingWrites writes() {
        return writes;
    }

    /** Where a record of this lane is, for logs: {@code topic-partition@offset}. */
    String at(long offset) {
        return label + offset;
    }

    boolean hasEligible() {
        return !resumed.isEmpty() || queue.hasEligible();
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
