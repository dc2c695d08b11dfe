package dev.jobwire.worker.source.group;

import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.source.Completion;
import dev.jobwire.worker.source.Settlement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The records one poll returned for one partition, in offset order, and how many are still
 * unfinished. A settled record costs one atomic decrement here; which offset is safe to commit is
 * worked out by the poll thread when it commits, not on every completion.
 *
 * <p>Thread-safe: task and write threads settle records; the poll thread reads.
 */
final class Batch implements Completion {
    private final long receivedNanos;
    private final AtomicInteger unfinished;
    private WorkItem[] items;

    Batch(long receivedNanos, int size) {
        this.receivedNanos = receivedNanos;
        this.unfinished = new AtomicInteger(size);
    }

    /** Set once by the poll thread before any item is handed out. */
    void items(WorkItem[] items) {
        this.items = items;
    }

    @Override
    public void settled(WorkItem item, Settlement how) {
        if (how.isFinished()) {
            unfinished.decrementAndGet();
        }
    }

    boolean finished() {
        return unfinished.get() == 0;
    }

    long receivedNanos() {
        return receivedNanos;
    }

    /** The lowest offset not finished, or one past the last when all are. */
    long firstUnfinishedOffset() {
        for (WorkItem item : items) {
            Settlement settlement = item.settlement();
            if (settlement == null || !settlement.isFinished()) {
                return item.offset();
            }
        }
        return items[items.length - 1].offset() + 1;
    }
}
