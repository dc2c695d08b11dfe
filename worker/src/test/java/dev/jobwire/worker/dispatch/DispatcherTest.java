package dev.jobwire.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.worker.offsets.PartitionOffsets;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private static List<ConsumerRecord<byte[], byte[]>> records(TopicPartition p, long from, int count, String key) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long o = from; o < from + count; o++) {
            records.add(new ConsumerRecord<>(p.topic(), p.partition(), o,
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8), new byte[0]));
        }
        return records;
    }

    @Test
    void neverRunsMoreThanMaxInFlightAndRunsEverything() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Long> ran = new CopyOnWriteArrayList<>();
        Consumer<WorkItem> runner = item -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.add(item.offset());
            item.offsets().finished(item.offset());
            running.decrementAndGet();
        };
        Dispatcher dispatcher = new Dispatcher(5, 0, OrderingMode.UNORDERED, runner);
        PartitionOffsets offsets = new PartitionOffsets();
        dispatcher.add(P0, offsets, records(P0, 0, 200, null));

        await().atMost(Duration.ofSeconds(20)).until(() -> ran.size() == 200);
        assertThat(peak.get()).isLessThanOrEqualTo(5).isGreaterThan(1);
        await().until(() -> dispatcher.inFlight() == 0);
        assertThat(dispatcher.buffered()).isZero();
        assertThat(offsets.committable()).hasValue(200);
    }

    @Test
    void aFinishingThreadTakesTheNextTaskWithoutAnInterruptMeantForTheLastOne() throws Exception {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        List<Boolean> interruptedAtStart = new CopyOnWriteArrayList<>();
        Consumer<WorkItem> runner = item -> {
            threads.add(Thread.currentThread());
            interruptedAtStart.add(Thread.currentThread().isInterrupted());
            item.offsets().finished(item.offset());
            // As if a cancellation meant for this task arrived just as it finished.
            Thread.currentThread().interrupt();
        };
        Dispatcher dispatcher = new Dispatcher(1, 0, OrderingMode.UNORDERED, runner);
        PartitionOffsets offsets = new PartitionOffsets();
        dispatcher.add(P0, offsets, records(P0, 0, 50, null));

        await().atMost(Duration.ofSeconds(20)).until(() -> interruptedAtStart.size() == 50);
        assertThat(interruptedAtStart).containsOnly(false);
        assertThat(threads.stream().distinct().count()).as("threads reused").isLessThan(50);
        await().until(() -> dispatcher.active() == 0);
        assertThat(offsets.committable()).hasValue(50);
    }

    @Test
    void keyOrderingRunsOneTaskPerKeyAtATimeInOffsetOrder() throws Exception {
        Map<String, AtomicInteger> runningPerKey = new ConcurrentHashMap<>();
        Map<String, List<Long>> orderPerKey = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Consumer<WorkItem> runner = item -> {
            String key = new String(item.record().key(), StandardCharsets.UTF_8);
            if (runningPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            orderPerKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(item.offset());
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runningPerKey.get(key).decrementAndGet();
            finished.incrementAndGet();
        };
        Dispatcher dispatcher = new Dispatcher(8, 0, OrderingMode.KEY, runner);
        PartitionOffsets offsets = new PartitionOffsets();
        List<ConsumerRecord<byte[], byte[]>> mixed = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            mixed.addAll(records(P0, i, 1, "key-" + (i % 3)));
        }
        dispatcher.add(P0, offsets, mixed);

        await().atMost(Duration.ofSeconds(20)).until(() -> finished.get() == 120);
        assertThat(overlaps.get()).isZero();
        orderPerKey.values().forEach(order -> assertThat(order).isSorted().hasSize(40));
    }

    @Test
    void droppingAPartitionRemovesItsBufferAndWaitsForItsRunningTasks() throws Exception {
        Semaphore release = new Semaphore(0);
        AtomicInteger started = new AtomicInteger();
        Consumer<WorkItem> runner = item -> {
            started.incrementAndGet();
            release.acquireUninterruptibly();
        };
        Dispatcher dispatcher = new Dispatcher(2, 0, OrderingMode.UNORDERED, runner);
        dispatcher.add(P0, new PartitionOffsets(), records(P0, 0, 10, null));
        dispatcher.add(P1, new PartitionOffsets(), records(P1, 0, 10, null));
        await().until(() -> started.get() == 2);

        assertThat(dispatcher.loadByPartition()).containsOnlyKeys(P0, P1);
        int droppedP0 = dispatcher.dropBuffered(List.of(P0));
        assertThat(droppedP0).isBetween(8, 10);
        assertThat(dispatcher.awaitIdle(List.of(P0), Duration.ofMillis(50))).isEqualTo(droppedP0 == 10);

        release.release(100);
        assertThat(dispatcher.awaitIdle(List.of(P0), Duration.ofSeconds(10))).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.inFlight() == 0 && dispatcher.buffered() == 0);
        assertThat(started.get()).isEqualTo(20 - droppedP0);
    }

    @Test
    void roundRobinKeepsADeepPartitionFromStarvingAnother() throws Exception {
        List<TopicPartition> startOrder = new CopyOnWriteArrayList<>();
        CountDownLatch gate = new CountDownLatch(1);
        Consumer<WorkItem> runner = item -> {
            startOrder.add(item.partition());
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Dispatcher dispatcher = new Dispatcher(1, 0, OrderingMode.UNORDERED, runner);
        dispatcher.add(P0, new PartitionOffsets(), records(P0, 0, 50, null));
        dispatcher.add(P1, new PartitionOffsets(), records(P1, 0, 2, null));
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> startOrder.size() == 52);
        // P1's two records start among the first few, not after P0's fifty.
        assertThat(startOrder.subList(0, 5)).contains(P1);
    }

    @Test
    void aTaskInACpuStepGivesItsIoSlotToAnotherWithinTheActiveLimit() throws Exception {
        AtomicInteger maxActive = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Dispatcher[] holder = new Dispatcher[1];
        Consumer<WorkItem> runner = item -> {
            try {
                Thread.sleep(5); // "I/O" under a slot
                item.release();
                maxActive.accumulateAndGet(holder[0].active(), Math::max);
                Thread.sleep(20); // "CPU step" without one
                item.reacquire(java.time.Instant.now().plusSeconds(30));
                Thread.sleep(2); // more "I/O"
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
        };
        Dispatcher dispatcher = new Dispatcher(2, 3, OrderingMode.UNORDERED, runner);
        holder[0] = dispatcher;
        dispatcher.add(P0, new PartitionOffsets(), records(P0, 0, 60, null));

        await().atMost(Duration.ofSeconds(20)).until(() -> finished.get() == 60);
        assertThat(dispatcher.maxInFlightSeen()).isEqualTo(2);
        assertThat(maxActive.get()).isGreaterThan(2).isLessThanOrEqualTo(5);
        await().until(() -> dispatcher.active() == 0 && dispatcher.inFlight() == 0);
    }

    /** A task of a dropped assignment finishing late must not free its key in the new assignment's queue. */
    @Test
    void aStaleTaskDoesNotReleaseItsKeyInTheNextAssignment() throws Exception {
        CountDownLatch staleMayFinish = new CountDownLatch(1);
        CountDownLatch freshMayFinish = new CountDownLatch(1);
        AtomicInteger runningFresh = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger freshDone = new AtomicInteger();
        PartitionOffsets first = new PartitionOffsets();
        Consumer<WorkItem> runner = item -> {
            try {
                if (item.offsets() == first) {
                    staleMayFinish.await();
                    return;
                }
                if (runningFresh.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                if (item.offset() == 0) {
                    freshMayFinish.await();
                }
                runningFresh.decrementAndGet();
                freshDone.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Dispatcher dispatcher = new Dispatcher(4, 0, OrderingMode.KEY, runner);
        dispatcher.add(P0, first, records(P0, 0, 1, "k"));
        await().until(() -> dispatcher.active() == 1);
        dispatcher.dropBuffered(List.of(P0)); // revoked, its task still running...
        dispatcher.add(P0, new PartitionOffsets(), records(P0, 0, 3, "k")); // ...and assigned again
        await().until(() -> dispatcher.active() == 2);

        staleMayFinish.countDown();
        await().until(() -> dispatcher.active() == 1);
        freshMayFinish.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> freshDone.get() == 3);
        assertThat(overlaps.get()).isZero();
    }

    @Test
    void cancelInterruptsRunningTasksAndFlagsThem() throws Exception {
        List<WorkItem> interrupted = new CopyOnWriteArrayList<>();
        Consumer<WorkItem> runner = item -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.add(item);
            }
        };
        Dispatcher dispatcher = new Dispatcher(3, 0, OrderingMode.UNORDERED, runner);
        dispatcher.add(P0, new PartitionOffsets(), records(P0, 0, 3, null));
        await().until(() -> dispatcher.inFlight() == 3);
        dispatcher.stopStarting();
        assertThat(dispatcher.cancelAll()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> interrupted.size() == 3);
        assertThat(interrupted).allMatch(WorkItem::isCancelled);
    }
}
