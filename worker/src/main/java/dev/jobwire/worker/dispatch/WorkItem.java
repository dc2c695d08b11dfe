package dev.jobwire.worker.dispatch;

import dev.jobwire.worker.offsets.PartitionOffsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumed record on its way through the worker, from the poll loop's buffer to a finished
 * (or abandoned) task. The record is never modified.
 *
 * <p>{@link #cancel()} may be called from any thread; the running task sees it through
 * {@link #isCancelled()} and its thread's interrupt.
 */
public final class WorkItem implements IoSlot {
    private final ConsumerRecord<byte[], byte[]> record;
    private final TopicPartition partition;
    private final PartitionOffsets offsets;
    private final Object orderingKey;
    private final Dispatcher dispatcher;
    private volatile boolean cancelled;
    /**
     * Written under the dispatcher's lock, by the task's own thread or before the task reaches it;
     * so that thread may read it without the lock.
     */
    boolean holdsSlot;
    /** The queue of the partition assignment this item came from; set once by the dispatcher. */
    KeyedQueue<WorkItem> queue;

    WorkItem(ConsumerRecord<byte[], byte[]> record, TopicPartition partition, PartitionOffsets offsets, Object orderingKey,
            Dispatcher dispatcher) {
        this.record = record;
        this.partition = partition;
        this.offsets = offsets;
        this.orderingKey = orderingKey;
        this.dispatcher = dispatcher;
    }

    @Override
    public void release() {
        dispatcher.releaseSlot(this);
    }

    @Override
    public boolean reacquire(Instant deadline) throws InterruptedException {
        // The common case holds it already: no lock, not even a clock read, per attempt.
        return holdsSlot || dispatcher.reacquireSlot(this, Duration.between(Instant.now(), deadline));
    }

    public ConsumerRecord<byte[], byte[]> record() {
        return record;
    }

    public TopicPartition partition() {
        return partition;
    }

    public long offset() {
        return record.offset();
    }

    /** The offsets of the partition assignment this record came from. */
    public PartitionOffsets offsets() {
        return offsets;
    }

    /** The key it waits on in its queue; null for none. */
    Object orderingKey() {
        return orderingKey;
    }

    /** Shutdown or revocation gave up on this task: it must not be committed nor dead-lettered. */
    public boolean isCancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
    }

    @Override
    public String toString() {
        return partition + "@" + record.offset();
    }
}
