package dev.jobwire.worker.dispatch;

import dev.jobwire.worker.offsets.PartitionOffsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds the records the poll loop handed over and starts them as tasks, each on its own virtual
 * thread, never more than {@code maxInFlight} at once. Capacity freed by a finishing task is
 * used at once by the finishing thread, so throughput does not wait for the next poll.
 *
 * <p>Glossary: <em>buffered</em> = received, not started; <em>in flight</em> = started, not
 * finished; <em>load</em> of a partition = its buffered plus in-flight tasks.
 *
 * <p>Thread-safe. The poll thread adds and drops records; task threads report completion. One
 * lock guards the per-partition queues and counters; it is held only for queue operations and
 * thread starts, never while a task runs.
 */
public final class Dispatcher {
    private final int maxInFlight;
    private final OrderingMode ordering;
    private final Consumer<WorkItem> runner;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition partitionIdle = lock.newCondition();
    private final Map<TopicPartition, KeyedQueue<WorkItem>> queues = new HashMap<>();
    private final ArrayDeque<TopicPartition> rotation = new ArrayDeque<>();
    private final Map<TopicPartition, Integer> inFlightByPartition = new HashMap<>();
    private final Map<WorkItem, Thread> running = new ConcurrentHashMap<>();
    private int buffered;
    private int inFlight;
    private boolean accepting = true;

    /**
     * @param runner runs one task to its end (success, dead letter or cancellation); it is called
     *               on a fresh virtual thread and must not throw
     */
    public Dispatcher(int maxInFlight, OrderingMode ordering, Consumer<WorkItem> runner) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.ordering = ordering;
        this.runner = runner;
    }

    /** Buffers records of one partition (in offset order) and starts what capacity allows. */
    public void add(TopicPartition partition, PartitionOffsets offsets, List<ConsumerRecord<byte[], byte[]>> records) {
        lock.lock();
        try {
            KeyedQueue<WorkItem> queue = queues.get(partition);
            if (queue == null) {
                queue = new KeyedQueue<>();
                queues.put(partition, queue);
                rotation.add(partition);
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                offsets.received(record.offset());
                WorkItem item = new WorkItem(record, partition, offsets, ordering.orderingKeyOf(record.key()));
                queue.add(item.orderingKey(), item);
                buffered++;
            }
            startWhatFits();
        } finally {
            lock.unlock();
        }
    }

    private void startWhatFits() {
        while (accepting && inFlight < maxInFlight && buffered > 0) {
            WorkItem next = pollRoundRobin();
            if (next == null) {
                return; // everything buffered waits for a running task of its key
            }
            buffered--;
            inFlight++;
            inFlightByPartition.merge(next.partition(), 1, Integer::sum);
            Thread thread = Thread.ofVirtual().name("task-" + next).unstarted(() -> run(next));
            running.put(next, thread);
            thread.start();
        }
    }

    /** Takes from partitions in turn, so one deep partition cannot starve the others. */
    private WorkItem pollRoundRobin() {
        for (int i = 0, n = rotation.size(); i < n; i++) {
            TopicPartition partition = rotation.poll();
            rotation.add(partition);
            KeyedQueue<WorkItem> queue = queues.get(partition);
            if (queue.hasEligible()) {
                return queue.poll();
            }
        }
        return null;
    }

    private void run(WorkItem item) {
        try {
            runner.accept(item);
        } finally {
            running.remove(item);
            finished(item);
        }
    }

    private void finished(WorkItem item) {
        lock.lock();
        try {
            inFlight--;
            int left = inFlightByPartition.merge(item.partition(), -1, Integer::sum);
            if (left == 0) {
                inFlightByPartition.remove(item.partition());
                partitionIdle.signalAll();
            }
            KeyedQueue<WorkItem> queue = queues.get(item.partition());
            if (queue != null) {
                queue.release(item.orderingKey());
            }
            startWhatFits();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the buffered (not started) records of these partitions; returns how many. */
    public int dropBuffered(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            int dropped = 0;
            for (TopicPartition partition : partitions) {
                KeyedQueue<WorkItem> queue = queues.remove(partition);
                rotation.remove(partition);
                if (queue != null) {
                    dropped += queue.drain().size();
                }
            }
            buffered -= dropped;
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no task of these partitions is in flight, at most {@code timeout}.
     *
     * @return true if they all finished in time
     */
    public boolean awaitIdle(Collection<TopicPartition> partitions, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (partitions.stream().anyMatch(inFlightByPartition::containsKey)) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = partitionIdle.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels the running tasks of these partitions: flags them and interrupts their threads. */
    public int cancelRunning(Collection<TopicPartition> partitions) {
        int cancelled = 0;
        for (Map.Entry<WorkItem, Thread> entry : running.entrySet()) {
            if (partitions.contains(entry.getKey().partition())) {
                entry.getKey().cancel();
                entry.getValue().interrupt();
                cancelled++;
            }
        }
        return cancelled;
    }

    /** Stops starting tasks (shutdown); running tasks go on. */
    public void stopStarting() {
        lock.lock();
        try {
            accepting = false;
        } finally {
            lock.unlock();
        }
    }

    /** Buffered plus in-flight tasks per partition that has any. */
    public Map<TopicPartition, Integer> loadByPartition() {
        lock.lock();
        try {
            Map<TopicPartition, Integer> load = new HashMap<>(inFlightByPartition);
            queues.forEach((partition, queue) -> load.merge(partition, queue.size(), Integer::sum));
            return load;
        } finally {
            lock.unlock();
        }
    }

    public int buffered() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** For shutdown: waits until nothing is in flight, at most {@code timeout}. */
    public boolean awaitAllIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return true;
    }

    /** Cancels every running task. */
    public int cancelAll() {
        running.forEach((item, thread) -> {
            item.cancel();
            thread.interrupt();
        });
        return running.size();
    }
}
