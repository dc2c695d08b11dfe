package dev.jobwire.worker.source.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.worker.admission.OrderingMode;
import dev.jobwire.worker.backpressure.BackpressurePolicy;
import dev.jobwire.worker.backpressure.Watermarks;
import dev.jobwire.worker.execution.TaskThreads;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link GroupSource} on its own poll thread over a {@link TestConsumer}, running real task
 * threads with a {@link ScriptedBody}. No broker.
 *
 * <p>Not thread-safe: one test drives it.
 */
final class GroupHarness implements AutoCloseable {
    static final String TOPIC = "tasks";
    /** Long enough for a machine ten times slower than ours, loaded. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    static TopicPartition partition(int n) {
        return new TopicPartition(TOPIC, n);
    }

    /** Settings of one test: everything generous (long grace, no periodic commit) unless the test says otherwise. */
    static final class Tuning {
        Duration commitInterval = Duration.ofHours(1);
        Duration revocationGrace = PATIENCE;
        Duration shutdownGrace = PATIENCE;
        Duration writeGrace = PATIENCE;
        int laneWriteLimit = 1_000;
        int maxInFlight = 8;
        Watermarks perPartition = new Watermarks(1_000, 500);
        Watermarks total = new Watermarks(10_000, 5_000);

        GroupSource.Settings settings() {
            return new GroupSource.Settings(List.of(TOPIC), Duration.ofMillis(50), commitInterval, revocationGrace,
                    shutdownGrace, writeGrace, OrderingMode.UNORDERED, laneWriteLimit, Long.MAX_VALUE);
        }
    }

    final TestConsumer consumer = new TestConsumer();
    final ScriptedBody body = new ScriptedBody();
    final TaskThreads threads;
    final GroupSource source;
    private final AtomicReference<Throwable> loopFailure = new AtomicReference<>();
    private Thread loop;

    GroupHarness(Tuning tuning) {
        threads = new TaskThreads(tuning.maxInFlight, 0, body);
        source = new GroupSource(consumer, threads, new BackpressurePolicy(tuning.perPartition, tuning.total),
                tuning.settings());
    }

    /** Starts the poll loop with {@code partitions} assigned (from offset 0) and waits until it owns them. */
    GroupHarness start(TopicPartition... partitions) {
        Map<TopicPartition, Long> beginnings = new HashMap<>();
        for (int n = 0; n < 8; n++) {
            beginnings.put(partition(n), 0L);
        }
        consumer.updateBeginningOffsets(beginnings);
        CompletableFuture<Void> assigned = consumer.onPollThread(() -> consumer.rebalance(List.of(partitions)));
        loop = Thread.ofPlatform().name("test-poll-loop").uncaughtExceptionHandler((t, e) -> loopFailure.set(e))
                .start(source);
        join(assigned);
        return this;
    }

    /** Hands records {@code from .. from + count - 1} of {@code partition} to the next poll. */
    void publish(TopicPartition partition, long from, int count) {
        join(consumer.onPollThread(() -> add(partition, from, count)));
    }

    /** Adds records from the poll thread (inside a poll task). */
    void add(TopicPartition partition, long from, int count) {
        for (long offset = from; offset < from + count; offset++) {
            consumer.addRecord(new ConsumerRecord<>(TOPIC, partition.partition(), offset, null, new byte[0]));
        }
    }

    /** Waits for a poll task, as long as a slow machine may need. */
    static void join(CompletableFuture<?> future) {
        try {
            future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the poll thread did not run the task in time", e);
        }
    }

    void stopAndAwait() throws InterruptedException {
        source.requestStop();
        assertThat(source.awaitFinished(PATIENCE)).as("poll loop stopped").isTrue();
        loop.join(PATIENCE.toMillis());
        assertThat(loopFailure.get()).as("poll loop failure").isNull();
    }

    @Override
    public void close() throws InterruptedException {
        if (loop != null && loop.isAlive()) {
            stopAndAwait();
        }
        assertThat(loopFailure.get()).as("poll loop failure").isNull();
    }

    /** Waits until {@code partition}'s committed offset is {@code offset}. */
    void awaitCommitted(TopicPartition partition, long offset) {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(consumer.committedOffset(partition))
                .as("offset committed for %s (commits: %s)", partition, consumer.commits()).isEqualTo(offset));
    }
}
