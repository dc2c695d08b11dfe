package dev.jobwire.worker.admission;

import dev.jobwire.wire.MalformedTaskException;
import dev.jobwire.wire.RetryRound;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.source.Completion;
import dev.jobwire.worker.source.Settlement;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record on its way through the worker: handed in by a source, buffered and started by
 * {@link Admission}, run by a task thread, and settled back to its source exactly once. The record
 * is never modified.
 *
 * <p>Thread-safety: the admission fields are guarded by {@link Admission}'s lock (the running
 * thread may read {@code holdsSlot} without it: only it and the lock's holders on its behalf write
 * it); {@link #metadata} is written before the item is admitted or by the thread running it (the
 * admission lock orders the two); {@link #settle} and the getters
 * may be called from any thread.
 */
public final class WorkItem {
    private static final VarHandle SETTLEMENT;

    static {
        try {
            SETTLEMENT = MethodHandles.lookup().findVarHandle(WorkItem.class, "settlement", Settlement.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConsumerRecord<byte[], byte[]> record;
    private final Lane lane;
    private final Completion completion;
    final Object orderingKey;
    /** Holds one of the I/O slots. */
    boolean holdsSlot;
    /** Held by {@link Admission} until its due time. */
    boolean held;
    /** When its thread asked it to be held until ({@link System#nanoTime()}); 0 when not. */
    long holdUntilNanos;
    private TaskMetadata metadata;
    /** Whether its headers carry a retry round ({@code jobwire.retry.*}); known once decoded. */
    private boolean retried;
    @SuppressWarnings("unused") // through SETTLEMENT
    private volatile Settlement settlement;

    public WorkItem(ConsumerRecord<byte[], byte[]> record, Lane lane, Object orderingKey, Completion completion) {
        this.record = record;
        this.lane = lane;
        this.orderingKey = orderingKey;
        this.completion = completion;
    }

    public ConsumerRecord<byte[], byte[]> record() {
        return record;
    }

    public Lane lane() {
        return lane;
    }

    public long offset() {
        return record.offset();
    }

    /** Shutdown or revocation gave up on its lane: it must be neither finished nor dead-lettered. */
    public boolean isCancelled() {
        return lane.isCancelled();
    }

    /** The headers decoded by an earlier run of this item (before it was held), or null. */
    public TaskMetadata metadata() {
        return metadata;
    }

    /** Records the decoded headers (by the thread running it, when the source did not decode ahead). */
    public void metadata(TaskMetadata decoded, boolean retryRound) {
        metadata = decoded;
        retried = retryRound;
    }

    /** Whether its headers carry a retry round; meaningful once {@link #metadata()} is set. */
    public boolean retried() {
        return retried;
    }

    /**
     * Tells the source the worker is done with this record. Only the first call counts: a late
     * second one (a write acknowledged after its lane gave up) changes nothing.
     *
     * @return whether this call settled it
     */
    public boolean settle(Settlement how) {
        if (SETTLEMENT.compareAndSet(this, null, how)) {
            completion.settled(this, how);
            return true;
        }
        return false;
    }

    /** How it was settled; null while the worker still owes its source an answer. */
    public Settlement settlement() {
        return (Settlement) SETTLEMENT.getVolatile(this);
    }

    /**
     * Decodes the task's headers now, on the calling thread: a source calls it on its poll thread,
     * where the record was just parsed and is still in that core's cache. A record that does not
     * decode is left for its task thread, which dead-letters it with the reason.
     */
    public void decodeAhead() {
        try {
            metadata = TaskMetadata.readFrom(record.headers());
            retried = RetryRound.isPresent(record.headers());
        } catch (MalformedTaskException e) {
            metadata = null;
        }
    }

    /** Where the record is: {@code topic-partition@offset}. */
    @Override
    public String toString() {
        return lane.at(record.offset());
    }
}
