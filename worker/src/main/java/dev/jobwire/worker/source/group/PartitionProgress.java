package dev.jobwire.worker.source.group;

import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.OrderingMode;
import dev.jobwire.worker.admission.WorkItem;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Which offset of one assigned partition is safe to commit: the lowest offset received but not
 * finished, or one past the highest received when everything is. Tasks finish out of order;
 * committing past an unfinished one could lose it in a crash, so this never does. "Finished" means
 * succeeded, dead-lettered or handed off to run later, each write acknowledged by the broker.
 *
 * <p>One instance lives for one assignment of the partition, with its {@link Lane}; records settled
 * after revocation change nothing that is committed.
 *
 * <p>Not thread-safe: the poll thread owns it. Task threads only settle items, which touches the
 * {@link Batch} they belong to.
 */
public final class PartitionProgress {
    private final Lane lane;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private long next = -1;
    private long committed = -1;

    public PartitionProgress(Lane lane) {
        this.lane = lane;
    }

    Lane lane() {
        return lane;
    }

    /**
     * Wraps a poll's records of this partition (in offset order) as items of one batch, their
     * headers decoded while the poll thread still has them in its cache.
     */
    public List<WorkItem> receive(List<ConsumerRecord<byte[], byte[]>> records, OrderingMode ordering) {
        Batch batch = new Batch(System.nanoTime(), records.size());
        WorkItem[] items = new WorkItem[records.size()];
        for (int i = 0; i < items.length; i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            items[i] = new WorkItem(record, lane, ordering.orderingKeyOf(record.key()), batch);
            items[i].decodeAhead();
        }
        batch.items(items);
        batches.add(batch);
        next = Math.max(next, items[items.length - 1].offset() + 1);
        return Arrays.asList(items);
    }

    /** The offset a commit may name (the next record to read after a restart), if any was received. */
    public OptionalLong committable() {
        if (next < 0) {
            return OptionalLong.empty();
        }
        while (!batches.isEmpty()) {
            Batch head = batches.peek();
            if (!head.finished()) {
                return OptionalLong.of(head.firstUnfinishedOffset());
            }
            batches.poll();
        }
        return OptionalLong.of(next);
    }

    /** The committable offset if it moved past the last commit. */
    OptionalLong pendingCommit() {
        OptionalLong offset = committable();
        return offset.isPresent() && offset.getAsLong() > committed ? offset : OptionalLong.empty();
    }

    void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    /**
     * When the oldest batch with an unfinished record was received ({@link System#nanoTime()}),
     * or empty when every record is finished.
     */
    OptionalLong oldestUnfinishedSince() {
        while (!batches.isEmpty() && batches.peek().finished()) {
            batches.poll();
        }
        return batches.isEmpty() ? OptionalLong.empty() : OptionalLong.of(batches.peek().receivedNanos());
    }
}
