package dev.jobwire.worker.source.group;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's {@link MockConsumer} with what the group-source tests need on top: every commit
 * recorded (asynchronous ones may be made to fail), a poll that pauses a few milliseconds (the
 * mock returns at once, and the loop would spin a core), and a way to run code on the poll thread,
 * where rebalances happen for real.
 *
 * <p>Thread-safe as {@link MockConsumer} is: its methods synchronize on it.
 */
class TestConsumer extends MockConsumer<byte[], byte[]> {
    /** One commit the source asked for. */
    record Commit(boolean sync, Map<TopicPartition, Long> offsets, boolean failed) {
    }

    private final List<Commit> commits = new CopyOnWriteArrayList<>();
    /** What the group would hold: the mock's own view answers 0 for partitions no longer assigned, and nothing once closed. */
    private final Map<TopicPartition, Long> committed = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger asyncCommitsToFail = new AtomicInteger();

    TestConsumer() {
        super("earliest");
    }

    /** The next {@code count} asynchronous commits fail (with a retriable error, as a broker's would), committing nothing. */
    void failAsyncCommits(int count) {
        asyncCommitsToFail.set(count);
    }

    List<Commit> commits() {
        return List.copyOf(commits);
    }

    /** The offset committed for {@code partition}, or -1. */
    long committedOffset(TopicPartition partition) {
        return committed.getOrDefault(partition, -1L);
    }

    /**
     * Runs {@code task} on the poll thread, inside its next {@code poll()}; the future ends when
     * it has run (exceptionally if it threw).
     */
    CompletableFuture<Void> onPollThread(Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        schedulePollTask(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                throw e;
            }
        });
        return done;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        try {
            Thread.sleep(Math.min(timeout.toMillis(), 2)); // outside the mock's lock: tests call it meanwhile
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return super.poll(timeout);
    }

    @Override
    public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        if (callback == null) { // MockConsumer's commitSync comes this way
            super.commitAsync(offsets, null);
            return;
        }
        if (asyncCommitsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            commits.add(new Commit(false, plain(offsets), true));
            callback.onComplete(offsets, new RetriableCommitFailedException("injected commit failure"));
            return;
        }
        commits.add(new Commit(false, plain(offsets), false));
        committed.putAll(plain(offsets));
        super.commitAsync(offsets, callback);
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        commits.add(new Commit(true, plain(offsets), false));
        super.commitSync(offsets, timeout);
        committed.putAll(plain(offsets));
    }

    private static Map<TopicPartition, Long> plain(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> plain = new java.util.HashMap<>();
        offsets.forEach((partition, offset) -> plain.put(partition, offset.offset()));
        return Map.copyOf(plain);
    }
}
