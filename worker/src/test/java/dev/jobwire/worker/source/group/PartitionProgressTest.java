package dev.jobwire.worker.source.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.OrderingMode;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.source.Settlement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Which offset of a partition is safe to commit while tasks finish out of order. */
class PartitionProgressTest {
    private final PartitionProgress progress = new PartitionProgress(new Lane("tasks-0"));

    @Test
    void nothingIsCommittableBeforeTheFirstRecord() {
        assertThat(progress.committable()).isEmpty();
        assertThat(progress.pendingCommit()).isEmpty();
        assertThat(progress.oldestUnfinishedSince()).isEmpty();
    }

    @Test
    void committableIsTheLowestUnfinishedOffsetAcrossBatches() {
        List<WorkItem> first = receive(0, 1, 2);
        List<WorkItem> second = receive(3, 4);
        assertThat(progress.committable()).hasValue(0);

        first.get(1).settle(Settlement.SUCCEEDED);
        second.get(0).settle(Settlement.DEAD_LETTERED);
        assertThat(progress.committable()).as("offset 0 still runs").hasValue(0);

        first.get(0).settle(Settlement.HANDED_OFF);
        assertThat(progress.committable()).hasValue(2);

        first.get(2).settle(Settlement.SUCCEEDED);
        assertThat(progress.committable()).as("the next batch's first unfinished").hasValue(4);

        second.get(1).settle(Settlement.SUCCEEDED);
        assertThat(progress.committable()).as("one past the last received").hasValue(5);
    }

    @Test
    void aCancelledRecordHoldsTheCommitForGood() {
        List<WorkItem> items = receive(0, 1, 2);
        items.get(0).settle(Settlement.SUCCEEDED);
        items.get(1).settle(Settlement.CANCELLED);
        items.get(2).settle(Settlement.SUCCEEDED);
        assertThat(items.get(1).settle(Settlement.SUCCEEDED)).as("settled once only").isFalse();
        assertThat(progress.committable()).hasValue(1);
    }

    @Test
    void gapsInOffsetsAreSkippedNeverWaitedFor() {
        // Compaction removed 2-4 and 9; a transaction marker sits at 12, between two polls.
        List<WorkItem> first = receive(0, 1, 5, 6, 7, 8, 10, 11);
        List<WorkItem> second = receive(13, 14);
        first.forEach(item -> {
            if (item.offset() != 8) {
                item.settle(Settlement.SUCCEEDED);
            }
        });
        assertThat(progress.committable()).hasValue(8);

        first.get(5).settle(Settlement.SUCCEEDED);
        assertThat(progress.committable()).as("past the marker to the next record").hasValue(13);
        second.forEach(item -> item.settle(Settlement.SUCCEEDED));
        assertThat(progress.committable()).hasValue(15);
    }

    @Test
    void aCommitIsPendingOnlyWhenTheCommittableOffsetMoved() {
        List<WorkItem> items = receive(0, 1);
        items.get(0).settle(Settlement.SUCCEEDED);
        assertThat(progress.pendingCommit()).hasValue(1);
        progress.committed(1);
        assertThat(progress.pendingCommit()).isEmpty();

        items.get(1).settle(Settlement.SUCCEEDED);
        assertThat(progress.pendingCommit()).hasValue(2);
        progress.committed(2);
        progress.committed(1); // a late answer to an older commit
        assertThat(progress.pendingCommit()).isEmpty();
    }

    @Test
    void theOldestUnfinishedIsTheEarliestBatchWithAnUnfinishedRecord() throws Exception {
        List<WorkItem> first = receive(0, 1);
        long firstSince = progress.oldestUnfinishedSince().orElseThrow();
        waitForTheClockToMove(firstSince);
        List<WorkItem> second = receive(2);
        long secondSince = System.nanoTime();

        first.get(1).settle(Settlement.SUCCEEDED);
        assertThat(progress.oldestUnfinishedSince()).hasValue(firstSince);
        first.get(0).settle(Settlement.SUCCEEDED);
        OptionalLong since = progress.oldestUnfinishedSince();
        assertThat(since.orElseThrow()).isGreaterThan(firstSince).isLessThanOrEqualTo(secondSince);
        second.get(0).settle(Settlement.SUCCEEDED);
        assertThat(progress.oldestUnfinishedSince()).isEmpty();
    }

    @Test
    void theAssignmentReportsTheAgeOfTheOldestUnfinishedRecordOfAnyPartition() throws Exception {
        Assignment assignment = new Assignment();
        PartitionProgress p0 = assignment.assign(new org.apache.kafka.common.TopicPartition("tasks", 0));
        PartitionProgress p1 = assignment.assign(new org.apache.kafka.common.TopicPartition("tasks", 1));
        List<WorkItem> early = p0.receive(records(0, 1), OrderingMode.UNORDERED);
        Thread.sleep(50);
        List<WorkItem> late = p1.receive(records(0), OrderingMode.UNORDERED);
        assignment.refreshOldestUnfinished();
        assertThat(assignment.oldestUnfinishedAgeSeconds()).isGreaterThanOrEqualTo(0.05);

        early.forEach(item -> item.settle(Settlement.SUCCEEDED));
        late.forEach(item -> item.settle(Settlement.SUCCEEDED));
        assignment.refreshOldestUnfinished();
        assertThat(assignment.oldestUnfinishedAgeSeconds()).isZero();
    }

    /**
     * Task threads settle random records of many batches while the poll thread keeps receiving and
     * asking what to commit: the answer never passes an unfinished record and never goes back.
     */
    @Test
    void underConcurrentSettlementTheCommittableOffsetNeverPassesAnUnfinishedRecord() throws Exception {
        int batches = 10_000;
        int settlers = 4;
        Random random = new Random(12);
        List<WorkItem> received = new ArrayList<>();
        List<WorkItem> unsettled = new ArrayList<>(); // guarded by itself
        AtomicInteger settled = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch receivedAll = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < settlers; t++) {
            Random mine = new Random(t);
            threads.add(Thread.ofPlatform().start(() -> {
                Settlement[] kinds = {Settlement.SUCCEEDED, Settlement.DEAD_LETTERED, Settlement.HANDED_OFF};
                while (true) {
                    WorkItem item;
                    synchronized (unsettled) {
                        if (unsettled.isEmpty()) {
                            if (receivedAll.getCount() == 0) {
                                return;
                            }
                            item = null;
                        } else {
                            int i = mine.nextInt(unsettled.size());
                            item = unsettled.get(i);
                            unsettled.set(i, unsettled.getLast());
                            unsettled.removeLast();
                        }
                    }
                    if (item == null) {
                        Thread.yield();
                    } else if (item.settle(kinds[mine.nextInt(kinds.length)])) {
                        settled.incrementAndGet();
                    } else {
                        failure.set(new AssertionError(item + " settled twice"));
                    }
                }
            }));
        }

        long next = 0;
        long lastCommittable = -1;
        int checked = 0;
        for (int b = 0; b < batches || settled.get() < received.size(); b++) {
            if (b < batches) {
                int size = 1 + random.nextInt(20);
                long[] offsets = new long[size];
                for (int i = 0; i < size; i++) {
                    next += 1 + (random.nextInt(10) == 0 ? random.nextInt(3) : 0); // gaps now and then
                    offsets[i] = next;
                }
                List<WorkItem> batch = receive(offsets);
                received.addAll(batch);
                synchronized (unsettled) {
                    unsettled.addAll(batch);
                }
                if (b == batches - 1) {
                    receivedAll.countDown();
                }
            }
            long committable = progress.committable().orElseThrow();
            assertThat(committable).as("never goes back").isGreaterThanOrEqualTo(lastCommittable);
            lastCommittable = committable;
            // Records below an earlier answer were checked then, and a settled record stays settled.
            for (; checked < received.size() && received.get(checked).offset() < committable; checked++) {
                WorkItem item = received.get(checked);
                if (item.settlement() == null) {
                    throw new AssertionError(item + " is unfinished, below the committable offset " + committable);
                }
            }
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(failure.get()).isNull();
        assertThat(progress.committable()).hasValue(received.getLast().offset() + 1);
        assertThat(progress.oldestUnfinishedSince()).isEmpty();
    }

    private List<WorkItem> receive(long... offsets) {
        return progress.receive(records(offsets), OrderingMode.UNORDERED);
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(long... offsets) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long offset : offsets) {
            records.add(new ConsumerRecord<>("tasks", 0, offset, null, new byte[0]));
        }
        return records;
    }

    private static void waitForTheClockToMove(long from) {
        while (System.nanoTime() == from) {
            Thread.onSpinWait();
        }
    }
}
