package dev.jobwire.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.OrderingMode;
import dev.jobwire.worker.admission.TestItems;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.source.Settlement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Task threads with admission: real virtual threads, a test body instead of the task runner. */
class TaskThreadsTest {
    private final TestItems items = new TestItems();

    @Test
    void neverRunsMoreThanMaxInFlightAndRunsEverything() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        TaskThreads threads = new TaskThreads(5, 0, (item, runner) -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            sleep(2);
            running.decrementAndGet();
            item.settle(Settlement.SUCCEEDED);
        });
        Lane lane = new Lane("p0");
        threads.admission().add(lane, items.items(lane, 0, 200));

        await().atMost(Duration.ofSeconds(30)).until(() -> items.settled().size() == 200);
        assertThat(peak.get()).isLessThanOrEqualTo(5).isGreaterThan(1);
        await().until(() -> threads.admission().inFlight() == 0 && threads.admission().active() == 0);
    }

    @Test
    void aFinishingThreadTakesTheNextTaskWithoutAnInterruptMeantForTheLastOne() {
        List<Thread> seen = new CopyOnWriteArrayList<>();
        List<Boolean> interruptedAtStart = new CopyOnWriteArrayList<>();
        TaskThreads threads = new TaskThreads(1, 0, (item, runner) -> {
            seen.add(Thread.currentThread());
            interruptedAtStart.add(Thread.currentThread().isInterrupted());
            item.settle(Settlement.SUCCEEDED);
            Thread.currentThread().interrupt(); // as if a cancellation meant for this task arrived as it finished
        });
        Lane lane = new Lane("p0");
        threads.admission().add(lane, items.items(lane, 0, 50));

        await().atMost(Duration.ofSeconds(30)).until(() -> interruptedAtStart.size() == 50);
        assertThat(interruptedAtStart).containsOnly(false);
        assertThat(seen.stream().distinct().count()).as("threads reused").isLessThan(50);
    }

    @Test
    void keyOrderingRunsOneTaskPerKeyAtATimeInOffsetOrder() {
        Map<String, AtomicInteger> runningPerKey = new ConcurrentHashMap<>();
        Map<String, List<Long>> orderPerKey = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        TaskThreads threads = new TaskThreads(8, 0, (item, runner) -> {
            String key = new String(item.record().key(), StandardCharsets.UTF_8);
            if (runningPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            orderPerKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(item.offset());
            sleep(1);
            runningPerKey.get(key).decrementAndGet();
            item.settle(Settlement.SUCCEEDED);
        });
        Lane lane = new Lane("p0");
        for (int i = 0; i < 120; i++) {
            threads.admission().add(lane, items.items(lane, i, 1, "key-" + (i % 3), OrderingMode.KEY));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> items.settled().size() == 120);
        assertThat(overlaps.get()).isZero();
        orderPerKey.values().forEach(order -> assertThat(order).isSorted().hasSize(40));
    }

    @Test
    void aTaskInACpuStepGivesItsIoSlotToAnotherWithinTheActiveLimit() {
        AtomicInteger maxActive = new AtomicInteger();
        TaskThreads[] holder = new TaskThreads[1];
        holder[0] = new TaskThreads(2, 3, (item, runner) -> {
            sleep(5); // "I/O" under a slot
            runner.releaseSlot();
            maxActive.accumulateAndGet(holder[0].admission().active(), Math::max);
            sleep(20); // a "CPU step" without one
            try {
                runner.reacquireSlot(System.nanoTime() + Duration.ofSeconds(30).toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sleep(2); // more "I/O"
            item.settle(Settlement.SUCCEEDED);
        });
        Lane lane = new Lane("p0");
        holder[0].admission().add(lane, items.items(lane, 0, 60));

        await().atMost(Duration.ofSeconds(30)).until(() -> items.settled().size() == 60);
        assertThat(holder[0].admission().maxInFlightSeen()).isEqualTo(2);
        assertThat(maxActive.get()).isGreaterThan(2).isLessThanOrEqualTo(5);
    }

    @Test
    void cancellingALaneInterruptsItsRunningTasksOnlyAndFlagsThem() {
        List<WorkItem> interrupted = new CopyOnWriteArrayList<>();
        TaskThreads threads = new TaskThreads(4, 0, (item, runner) -> {
            try {
                Thread.sleep(60_000);
                item.settle(Settlement.SUCCEEDED);
            } catch (InterruptedException e) {
                interrupted.add(item);
                item.settle(Settlement.CANCELLED);
            }
        });
        Lane doomed = new Lane("doomed");
        Lane kept = new Lane("kept");
        threads.admission().add(doomed, items.items(doomed, 0, 3));
        threads.admission().add(kept, items.items(kept, 100, 1));
        await().until(() -> threads.admission().inFlight() == 4);

        assertThat(threads.cancel(doomed)).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> interrupted.size() == 3);
        assertThat(interrupted).allMatch(WorkItem::isCancelled).allMatch(item -> item.lane() == doomed);
        assertThat(threads.admission().active()).isEqualTo(1);
        threads.cancel(kept);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
