package dev.jobwire.worker.dispatch;

import dev.jobwire.worker.offsets.PartitionOffsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds the records the poll loop handed over and starts them as tasks on virtual threads. A
 * thread whose task finished takes the next buffered task itself if capacity allows (a new thread
 * per task cost more than a no-op task), and starts more threads when capacity freed up; so
 * throughput does not wait for the next poll.
 *
 * <p>Glossary: <em>buffered</em> = received, not started; <em>active</em> = started, not
 * finished; <em>in flight</em> = active and holding an {@link IoSlot} (not in a CPU step);
 * <em>load</em> of a partition = its buffered plus active tasks.
 *
 * <p>Two limits: at most {@code maxInFlight} tasks in flight (the I/O concurrency), and at most
 * {@code maxInFlight + cpuQueue} active, which bounds the tasks waiting for the CPU pool.
 *
 * <p>Thread-safe. The poll thread adds and drops records; task threads report completion. One
 * lock guards the per-partition queues and counters; it is held only for queue operations and
 * thread starts, never while a task runs.
 */
public final class Dispatcher {
    /** One builder for every task thread; the log's MDC, not the thread name, says which record it runs. */
    private static final Thread.Builder TASK_THREADS = Thread.ofVirtual().name("jobwire-task");
    /** Waits beyond this are as good as unbounded (and beyond it Duration.toNanos overflows). */
    private static final Duration LONGEST_WAIT = Duration.ofDays(365);
    private final int maxInFlight;
    private final int maxActive;
    private final OrderingMode ordering;
    private final Consumer<WorkItem> runner;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition partitionIdle = lock.newCondition();
    private final Condition slotFree = lock.newCondition();
    private final Map<TopicPartition, KeyedQueue<WorkItem>> queues = new HashMap<>();
    private final ArrayDeque<TopicPartition> rotation = new ArrayDeque<>();
    private final Map<TopicPartition, Integer> activeByPartition = new HashMap<>();
    /** The thread running each started task; interrupts go through here, under the lock. */
    private final Map<WorkItem, Thread> running = new HashMap<>();
    private int buffered;
    private int active;
    private int inFlight;
    private int maxInFlightSeen;
    private int returning;
    private boolean accepting = true;

    /**
     * @param cpuQueue active tasks allowed beyond {@code maxInFlight}: those waiting for or running
     *                 a CPU step
     * @param runner   runs one task to its end (success, dead letter or cancellation); it is called
     *                 on a virtual thread that may run other tasks before and after, so it must not
     *                 throw nor leave thread-local state (the MDC) behind
     */
    public Dispatcher(int maxInFlight, int cpuQueue, OrderingMode ordering, Consumer<WorkItem> runner) {
        if (maxInFlight < 1 || cpuQueue < 0) {
            throw new IllegalArgumentException("need maxInFlight >= 1 and cpuQueue >= 0, got " + maxInFlight + ", " + cpuQueue);
        }
        this.maxInFlight = maxInFlight;
        this.maxActive = maxInFlight + cpuQueue;
        this.ordering = ordering;
        this.runner = runner;
    }

    /** Buffers records of one partition (in offset order) and starts what capacity allows. */
    public void add(TopicPartition partition, PartitionOffsets offsets, List<ConsumerRecord<byte[], byte[]>> records) {
        // Built outside the lock, which finishing tasks need meanwhile.
        List<WorkItem> items = new ArrayList<>(records.size());
        Long receivedNanos = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            offsets.received(record.offset(), receivedNanos);
            items.add(new WorkItem(record, partition, offsets, ordering.orderingKeyOf(record.key()), this));
        }
        lock.lock();
        try {
            KeyedQueue<WorkItem> queue = queues.get(partition);
            if (queue == null) {
                queue = new KeyedQueue<>();
                queues.put(partition, queue);
                rotation.add(partition);
            }
            for (WorkItem item : items) {
                item.queue = queue;
                queue.add(item.orderingKey(), item);
            }
            buffered += items.size();
            startWhatFits();
        } finally {
            lock.unlock();
        }
    }

    /** Starts buffered tasks while both limits allow; tasks returning from a CPU step go first. */
    private void startWhatFits() {
        while (canStart()) {
            WorkItem next = claimNext();
            if (next == null) {
                return; // everything buffered waits for a running task of its key
            }
            Thread thread = TASK_THREADS.unstarted(() -> run(next));
            running.put(next, thread);
            thread.start();
        }
    }

    private boolean canStart() {
        return accepting && returning == 0 && inFlight < maxInFlight && active < maxActive && buffered > 0;
    }

    /** The next eligible buffered task, counted as active and holding a slot; null if none. */
    private WorkItem claimNext() {
        WorkItem next = pollRoundRobin();
        if (next != null) {
            buffered--;
            active++;
            takeSlot(next);
            activeByPartition.merge(next.partition(), 1, Integer::sum);
        }
        return next;
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

    /** Runs {@code item}, then whatever buffered task it can take next, until there is none. */
    private void run(WorkItem item) {
        while (item != null) {
            boolean ran = false;
            try {
                runner.accept(item);
                ran = true;
            } finally {
                item = finished(item, ran);
            }
        }
    }

    private void takeSlot(WorkItem item) {
        inFlight++;
        maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
        item.holdsSlot = true;
    }

    private void giveSlot(WorkItem item) {
        if (item.holdsSlot) {
            item.holdsSlot = false;
            inFlight--;
            slotFree.signalAll(); // few waiters; signalAll cannot lose a wake-up to an interrupted one
        }
    }

    /** {@link IoSlot#release()} of {@code item}. */
    void releaseSlot(WorkItem item) {
        lock.lock();
        try {
            giveSlot(item);
            startWhatFits();
        } finally {
            lock.unlock();
        }
    }

    /** {@link IoSlot#reacquire} of {@code item}. */
    boolean reacquireSlot(WorkItem item, Duration maxWait) throws InterruptedException {
        long nanos = maxWait.isNegative() ? 0 : maxWait.compareTo(LONGEST_WAIT) > 0 ? Long.MAX_VALUE : maxWait.toNanos();
        lock.lock();
        try {
            if (item.holdsSlot) {
                return true;
            }
            returning++;
            try {
                while (inFlight >= maxInFlight) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = slotFree.awaitNanos(nanos);
                }
                takeSlot(item);
                return true;
            } finally {
                returning--;
                startWhatFits(); // the last returning task lets new ones start again
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Books {@code item} as finished; with {@code takeNext}, claims the next buffered task for the
     * calling thread and returns it (null if none may start).
     */
    private WorkItem finished(WorkItem item, boolean takeNext) {
        lock.lock();
        try {
            running.remove(item);
            active--;
            giveSlot(item);
            int left = activeByPartition.merge(item.partition(), -1, Integer::sum);
            if (left == 0) {
                activeByPartition.remove(item.partition());
                partitionIdle.signalAll();
            }
            // Its own queue: if the partition was dropped and assigned again meanwhile, the new
            // queue's keys are not this task's business.
            item.queue.release(item.orderingKey());
            WorkItem next = null;
            if (takeNext && canStart()) {
                next = claimNext();
                if (next != null) {
                    // Interrupts happen under this lock and only to a running task's thread: one
                    // meant for the finished task may be pending still, and must not hit the next.
                    Thread.interrupted();
                    running.put(next, Thread.currentThread());
                }
            }
            startWhatFits();
            return next;
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
            while (partitions.stream().anyMatch(activeByPartition::containsKey)) {
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
        lock.lock();
        try {
            int cancelled = 0;
            for (Map.Entry<WorkItem, Thread> entry : running.entrySet()) {
                if (partitions.contains(entry.getKey().partition())) {
                    entry.getKey().cancel();
                    entry.getValue().interrupt();
                    cancelled++;
                }
            }
            return cancelled;
        } finally {
            lock.unlock();
        }
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

    /** Buffered plus active tasks per partition that has any. */
    public Map<TopicPartition, Integer> loadByPartition() {
        lock.lock();
        try {
            Map<TopicPartition, Integer> load = new HashMap<>(activeByPartition);
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

    /** Tasks holding an I/O slot now. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** The most tasks that ever held I/O slots at once: never above {@link #maxInFlight()}. */
    public int maxInFlightSeen() {
        lock.lock();
        try {
            return maxInFlightSeen;
        } finally {
            lock.unlock();
        }
    }

    /** Tasks started and not finished, in or out of CPU steps. */
    public int active() {
        lock.lock();
        try {
            return active;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every running task. */
    public int cancelAll() {
        lock.lock();
        try {
            running.forEach((item, thread) -> {
                item.cancel();
                thread.interrupt();
            });
            return running.size();
        } finally {
            lock.unlock();
        }
    }
}
