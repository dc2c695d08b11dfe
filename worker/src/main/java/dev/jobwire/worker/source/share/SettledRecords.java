package dev.jobwire.worker.source.share;

import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.source.Completion;
import dev.jobwire.worker.source.Settlement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Where task and write threads leave settled records for the share source's poll thread, the only
 * one that may acknowledge them. Settling never blocks (an unbounded queue); the poll thread waits
 * here when it has nothing else to do, so a settlement wakes it at once.
 *
 * <p>Thread-safe: any thread settles; only the poll thread takes.
 */
final class SettledRecords implements Completion {
    record Settled(WorkItem item, Settlement how) {
    }

    private final LinkedBlockingQueue<Settled> queue = new LinkedBlockingQueue<>();

    @Override
    public void settled(WorkItem item, Settlement how) {
        queue.add(new Settled(item, how));
    }

    /** Everything settled so far, waiting at most {@code maxWaitNanos} for the first; empty if none came. */
    List<Settled> take(long maxWaitNanos) throws InterruptedException {
        List<Settled> taken = new ArrayList<>();
        if (maxWaitNanos > 0 && queue.isEmpty()) {
            Settled first = queue.poll(maxWaitNanos, TimeUnit.NANOSECONDS);
            if (first == null) {
                return taken;
            }
            taken.add(first);
        }
        queue.drainTo(taken);
        return taken;
    }
}
