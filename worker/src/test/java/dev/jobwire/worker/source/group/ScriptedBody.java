package dev.jobwire.worker.source.group;

import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.execution.Runner;
import dev.jobwire.worker.execution.TaskBody;
import dev.jobwire.worker.source.Settlement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.TopicPartition;

/**
 * A task body for tests: what each record does is scripted by its partition and offset (by default
 * it succeeds at once). A script interrupted by cancellation settles its record as cancelled, as
 * the task runner does. Records which started and which were interrupted are kept.
 *
 * <p>Thread-safe: scripts are set by the test, run on task threads.
 */
final class ScriptedBody implements TaskBody {
    /** Where a record is. */
    record At(TopicPartition partition, long offset) {
        static At of(WorkItem item) {
            return new At(new TopicPartition(item.record().topic(), item.record().partition()), item.offset());
        }
    }

    /** What one record does; it settles the item itself (or hands it to a write). */
    @FunctionalInterface
    interface Script {
        void run(WorkItem item) throws InterruptedException;
    }

    static final Script SUCCEED = item -> item.settle(Settlement.SUCCEEDED);

    /** Runs until cancelled. */
    static final Script UNTIL_CANCELLED = item -> {
        Thread.sleep(Long.MAX_VALUE);
    };

    /** Succeeds once {@code latch} is open. */
    static Script succeedWhen(CountDownLatch latch) {
        return item -> {
            latch.await();
            item.settle(Settlement.SUCCEEDED);
        };
    }

    private final Map<At, Script> scripts = new ConcurrentHashMap<>();
    private final Map<At, WorkItem> started = new ConcurrentHashMap<>();
    private final Set<At> interrupted = ConcurrentHashMap.newKeySet();

    void on(TopicPartition partition, long offset, Script script) {
        scripts.put(new At(partition, offset), script);
    }

    @Override
    public void run(WorkItem item, Runner runner) {
        At at = At.of(item);
        started.put(at, item);
        try {
            scripts.getOrDefault(at, SUCCEED).run(item);
        } catch (InterruptedException e) {
            interrupted.add(at);
            item.settle(Settlement.CANCELLED);
        }
    }

    boolean started(TopicPartition partition, long offset) {
        return started.containsKey(new At(partition, offset));
    }

    Set<At> startedAt() {
        return Set.copyOf(started.keySet());
    }

    boolean interrupted(TopicPartition partition, long offset) {
        return interrupted.contains(new At(partition, offset));
    }

    /** How the record at {@code offset} was settled; null if it did not start or is not settled. */
    Settlement settlement(TopicPartition partition, long offset) {
        WorkItem item = started.get(new At(partition, offset));
        return item == null ? null : item.settlement();
    }
}
