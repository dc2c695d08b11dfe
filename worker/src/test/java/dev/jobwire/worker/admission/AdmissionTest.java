package dev.jobwire.worker.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Admission alone: no thread runs anything, the test plays the task threads. */
class AdmissionTest {
    private final List<WorkItem> started = new ArrayList<>();
    private final TestItems items = new TestItems();

    @Test
    void admitsUpToTheInFlightLimitAndAFinishingThreadTakesTheNext() {
        Admission admission = new Admission(2, 0, started::add);
        Lane lane = new Lane("p0");
        admission.add(lane, items.items(lane, 0, 5));

        assertThat(started).extracting(WorkItem::offset).containsExactly(0L, 1L);
        assertThat(admission.snapshot(List.of(lane))).satisfies(s -> {
            assertThat(s.buffered()).isEqualTo(3);
            assertThat(s.active()).isEqualTo(2);
            assertThat(s.inFlight()).isEqualTo(2);
            assertThat(s.loads()).containsEntry(lane, 5);
        });
        WorkItem next = admission.finish(started.get(0), true);
        assertThat(next.offset()).isEqualTo(2);
        assertThat(started).hasSize(2); // the finishing thread took it: no new thread
        assertThat(admission.finish(started.get(1), false)).isNull();
        assertThat(started).extracting(WorkItem::offset).containsExactly(0L, 1L, 3L);
    }

    @Test
    void aTaskInACpuStepLetsAnotherStartWithinTheActiveLimitAndComesBackFirst() throws Exception {
        Admission admission = new Admission(1, 1, started::add);
        Lane lane = new Lane("p0");
        admission.add(lane, items.items(lane, 0, 3));
        WorkItem first = started.get(0);

        admission.releaseSlot(first);
        assertThat(started).hasSize(2);
        admission.releaseSlot(started.get(1));
        assertThat(started).as("active limit is 2").hasSize(2);
        assertThat(admission.reacquireSlot(first, Duration.ofSeconds(1).toNanos())).isTrue();
        assertThat(admission.reacquireSlot(started.get(1), 0)).as("one slot only").isFalse();
        assertThat(admission.maxInFlightSeen()).isEqualTo(1);
    }

    @Test
    void lanesTakeTurnsSoADeepOneCannotStarveAnother() {
        Admission admission = new Admission(1, 0, started::add);
        Lane deep = new Lane("deep");
        Lane shallow = new Lane("shallow");
        admission.add(deep, items.items(deep, 0, 50));
        admission.add(shallow, items.items(shallow, 0, 2));
        List<Object> order = new ArrayList<>();
        WorkItem item = started.get(0);
        while (item != null) {
            order.add(item.lane().id());
            item = admission.finish(item, true);
        }
        assertThat(order).hasSize(52);
        assertThat(order.subList(0, 5)).contains("shallow");
    }

    @Test
    void sameKeyRecordsWaitForTheRunningOneAndAStaleItemDoesNotFreeTheKeyOfTheNextAssignment() {
        Admission admission = new Admission(4, 0, started::add);
        Lane first = new Lane("p0");
        admission.add(first, items.items(first, 0, 1, "k", OrderingMode.KEY));
        WorkItem stale = started.get(0);
        admission.drop(first); // revoked while its task runs...
        Lane second = new Lane("p0");
        admission.add(second, items.items(second, 0, 2, "k", OrderingMode.KEY)); // ...and assigned again
        assertThat(started).hasSize(2);
        admission.finish(stale, false);
        assertThat(started).as("the new lane's key is still taken by its own first record").hasSize(2);
        admission.finish(started.get(1), false);
        assertThat(started).hasSize(3);
    }

    @Test
    void aHeldRecordGivesUpItsSlotKeepsItsKeyAndComesBackFirstWhenDue() {
        Admission admission = new Admission(1, 0, started::add);
        Lane lane = new Lane("p0");
        admission.add(lane, items.items(lane, 0, 3, "k", OrderingMode.KEY));
        admission.add(lane, items.items(lane, 3, 1, "other", OrderingMode.KEY));
        WorkItem delayed = started.get(0);
        long due = System.nanoTime() + Duration.ofHours(1).toNanos();
        Admission.holdUntil(delayed, due);

        WorkItem next = admission.finish(delayed, true);
        assertThat(next.offset()).as("its slot went to another key's record").isEqualTo(3);
        assertThat(admission.snapshot(List.of(lane))).satisfies(s -> {
            assertThat(s.held()).isEqualTo(1);
            assertThat(s.loads()).containsEntry(lane, 4);
        });
        assertThat(admission.nextDueNanos()).isEqualTo(due);
        admission.releaseDue(due - 1);
        assertThat(admission.finish(next, true)).as("nothing due yet, key k still held").isNull();

        admission.releaseDue(due);
        assertThat(started).extracting(WorkItem::offset).as("the held record started again, before 1 and 2").containsExactly(0L, 0L);
        assertThat(admission.snapshot(List.of(lane)).held()).isZero();
    }

    @Test
    void droppingALaneForgetsItsBufferAndItsHeldRecords() {
        Admission admission = new Admission(1, 0, started::add);
        Lane lane = new Lane("p0");
        admission.add(lane, items.items(lane, 0, 4));
        Admission.holdUntil(started.get(0), System.nanoTime());
        admission.finish(started.get(0), false); // held; its slot goes to record 1
        assertThat(started).hasSize(2);
        assertThat(admission.drop(lane)).isEqualTo(2);
        admission.releaseDue(System.nanoTime());
        assertThat(admission.buffered()).isZero();
        admission.finish(started.get(1), false);
        assertThat(admission.snapshot(List.of()).idle()).isTrue();
        admission.add(lane, items.items(lane, 4, 1));
        assertThat(started).as("a dropped lane takes no more records").hasSize(2);
    }

    @Test
    void stopStartingAdmitsNothingMore() {
        Admission admission = new Admission(4, 0, started::add);
        Lane lane = new Lane("p0");
        admission.stopStarting();
        admission.add(lane, items.items(lane, 0, 3));
        assertThat(started).isEmpty();
        assertThat(admission.buffered()).isEqualTo(3);
    }

    @Test
    void awaitIdleWaitsForTheLanesRunningTasksOnly() throws Exception {
        Admission admission = new Admission(2, 0, started::add);
        Lane busy = new Lane("busy");
        Lane other = new Lane("other");
        admission.add(busy, items.items(busy, 0, 1));
        admission.add(other, items.items(other, 0, 1));
        assertThat(admission.awaitIdle(List.of(busy), Duration.ofMillis(10))).isFalse();
        admission.finish(started.get(0), false);
        assertThat(admission.awaitIdle(List.of(busy), Duration.ofMillis(10))).isTrue();
    }
}
