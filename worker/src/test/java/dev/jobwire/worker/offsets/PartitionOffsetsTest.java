package dev.jobwire.worker.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {

    @Test
    void nothingReceivedMeansNothingToCommit() {
        assertThat(new PartitionOffsets().committable()).isEmpty();
    }

    @Test
    void commitsUpToTheLowestUnfinishedOffset() {
        PartitionOffsets offsets = new PartitionOffsets();
        for (long o = 10; o < 15; o++) {
            offsets.received(o);
        }
        assertThat(offsets.committable()).hasValue(10);
        offsets.finished(11);
        offsets.finished(13);
        assertThat(offsets.committable()).hasValue(10);
        offsets.finished(10);
        assertThat(offsets.committable()).hasValue(12);
        offsets.finished(12);
        assertThat(offsets.committable()).hasValue(14);
        offsets.finished(14);
        assertThat(offsets.committable()).hasValue(15);
    }

    @Test
    void offsetGapsDoNotHoldCommitsBack() {
        PartitionOffsets offsets = new PartitionOffsets();
        offsets.received(3);
        offsets.received(7); // 4..6 were compacted away or are transaction markers
        offsets.finished(3);
        assertThat(offsets.committable()).hasValue(7);
        offsets.finished(7);
        assertThat(offsets.committable()).hasValue(8);
    }

    @Test
    void pendingCommitOnlyOffersProgress() {
        PartitionOffsets offsets = new PartitionOffsets();
        offsets.received(0);
        offsets.finished(0);
        assertThat(offsets.pendingCommit()).hasValue(1);
        offsets.committed(1);
        assertThat(offsets.pendingCommit()).isEmpty();
        offsets.received(1);
        assertThat(offsets.pendingCommit()).isEmpty();
        offsets.finished(1);
        assertThat(offsets.pendingCommit()).hasValue(2);
    }

    /**
     * Many threads finish offsets in random order while a reader keeps asking what is committable:
     * the answer must never pass an offset that is not finished yet.
     */
    @Test
    void committableNeverPassesAnUnfinishedOffsetUnderConcurrentCompletion() throws Exception {
        int count = 20_000;
        int threads = 8;
        PartitionOffsets offsets = new PartitionOffsets();
        AtomicReferenceArray<Boolean> done = new AtomicReferenceArray<>(count);
        List<Long> order = new ArrayList<>();
        for (long o = 0; o < count; o++) {
            offsets.received(o);
            done.set((int) o, false);
            order.add(o);
        }
        Collections.shuffle(order);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong violations = new AtomicLong();
        AtomicLong checks = new AtomicLong();
        Thread checker = new Thread(() -> {
            while (running.get()) {
                long committable = offsets.committable().orElseThrow();
                // Every offset below the committable one must already be finished.
                for (long o = Math.max(0, committable - 64); o < committable; o++) {
                    if (!done.get((int) o)) {
                        violations.incrementAndGet();
                    }
                }
                checks.incrementAndGet();
            }
        });
        checker.start();

        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int slice = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = slice; i < count; i += threads) {
                    long offset = order.get(i);
                    done.set((int) offset, true); // finished before the tracker hears of it
                    offsets.finished(offset);
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        running.set(false);
        checker.join();

        assertThat(violations.get()).isZero();
        assertThat(checks.get()).isPositive();
        assertThat(offsets.committable()).hasValue(count);
        assertThat(offsets.unfinishedCount()).isZero();
    }

    @Test
    void theOldestUnfinishedIsTheLowestUnfinishedOffsetsReceiveTime() {
        PartitionOffsets offsets = new PartitionOffsets();
        assertThat(offsets.oldestUnfinishedSince()).isEmpty();
        offsets.received(0, 100L);
        offsets.received(1, 200L);
        offsets.received(2, 300L);
        offsets.finished(1);
        assertThat(offsets.oldestUnfinishedSince()).hasValue(100);
        offsets.finished(0);
        assertThat(offsets.oldestUnfinishedSince()).hasValue(300);
        offsets.finished(2);
        assertThat(offsets.oldestUnfinishedSince()).isEmpty();
    }
}
