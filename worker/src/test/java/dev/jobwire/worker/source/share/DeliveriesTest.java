package dev.jobwire.worker.source.share;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.source.Settlement;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The acknowledgement bookkeeping of share mode: what is owed before the next poll, and when. */
class DeliveriesTest {
    private static final long LOCK_HALF = 15_000_000_000L;

    private final List<String> acks = new ArrayList<>();
    private final Deliveries deliveries = new Deliveries((record, type) -> acks.add(record.offset() + ":" + type.name()));
    private final Lane lane = new Lane(new TopicPartition("t", 0));

    private ConsumerRecord<byte[], byte[]> record(long offset) {
        return new ConsumerRecord<>("t", 0, offset, null, new byte[0]);
    }

    private WorkItem newItem(ConsumerRecord<byte[], byte[]> record) {
        return new WorkItem(record, lane, null, (item, how) -> { });
    }

    /** Receives records as one poll would return them; returns the new items. */
    private List<WorkItem> poll(long now, ConsumerRecord<byte[], byte[]>... records) {
        deliveries.polled(now);
        List<WorkItem> fresh = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            WorkItem item = deliveries.received(record, now, this::newItem);
            if (item != null) {
                fresh.add(item);
            }
        }
        return fresh;
    }

    @Test
    void outcomesMapToAcceptOrRelease() {
        assertThat(Deliveries.acknowledgeTypeOf(Settlement.SUCCEEDED)).isEqualTo(AcknowledgeType.ACCEPT);
        assertThat(Deliveries.acknowledgeTypeOf(Settlement.DEAD_LETTERED)).isEqualTo(AcknowledgeType.ACCEPT);
        assertThat(Deliveries.acknowledgeTypeOf(Settlement.HANDED_OFF)).isEqualTo(AcknowledgeType.ACCEPT);
        assertThat(Deliveries.acknowledgeTypeOf(Settlement.CANCELLED)).isEqualTo(AcknowledgeType.RELEASE);
    }

    @Test
    void noPollWhileARecordOfTheLastPollIsUnacknowledged() {
        List<WorkItem> items = poll(0, record(1), record(2));
        assertThat(items).hasSize(2);
        assertThat(deliveries.mayPoll()).isFalse();

        assertThat(deliveries.settled(items.get(1), Settlement.SUCCEEDED)).isTrue();
        assertThat(acks).containsExactly("2:ACCEPT");
        assertThat(deliveries.mayPoll()).isFalse();

        assertThat(deliveries.settled(items.get(0), Settlement.CANCELLED)).isTrue();
        assertThat(acks).containsExactly("2:ACCEPT", "1:RELEASE");
        assertThat(deliveries.mayPoll()).isTrue();
        assertThat(deliveries.size()).isZero();
    }

    @Test
    void aSecondSettlementOfTheSameItemIsIgnored() {
        WorkItem item = poll(0, record(1)).getFirst();
        deliveries.settled(item, Settlement.SUCCEEDED);
        assertThat(deliveries.settled(item, Settlement.CANCELLED)).isFalse();
        assertThat(acks).containsExactly("1:ACCEPT");
    }

    @Test
    void runningTasksAreRenewedAtHalfTheLockAndTheirRecordsComeBackWithoutBeingHandedInAgain() {
        List<WorkItem> items = poll(0, record(1), record(2), record(3));
        deliveries.settled(items.get(0), Settlement.SUCCEEDED);
        assertThat(deliveries.renewalDue(LOCK_HALF - 1, LOCK_HALF)).isFalse();
        assertThat(deliveries.renewalDue(LOCK_HALF, LOCK_HALF)).isTrue();

        assertThat(deliveries.renewHeld()).isEqualTo(2);
        assertThat(acks).containsExactly("1:ACCEPT", "2:RENEW", "3:RENEW");
        assertThat(deliveries.mayPoll()).isTrue(); // renewing records do not block the poll that brings them back
        assertThat(deliveries.renewing()).isEqualTo(2);

        // Settled while its renewal is out: cannot be acknowledged until the consumer returns it.
        assertThat(deliveries.settled(items.get(2), Settlement.DEAD_LETTERED)).isFalse();
        assertThat(acks).hasSize(3);

        assertThat(poll(LOCK_HALF + 5, record(2), record(3))).isEmpty();
        assertThat(acks).containsExactly("1:ACCEPT", "2:RENEW", "3:RENEW", "3:ACCEPT");
        assertThat(deliveries.renewing()).isZero();
        assertThat(deliveries.held()).isEqualTo(1);
        assertThat(deliveries.renewalDue(LOCK_HALF + 5 + LOCK_HALF - 1, LOCK_HALF)).isFalse(); // the lock restarted

        deliveries.settled(items.get(1), Settlement.SUCCEEDED);
        assertThat(acks).endsWith("2:ACCEPT");
        assertThat(deliveries.mayPoll()).isTrue();
        assertThat(deliveries.size()).isZero();
    }

    @Test
    void aRefusedRenewalForgetsTheRecordSoItsLateSettlementAcknowledgesNothing() {
        WorkItem first = poll(0, record(7)).getFirst();
        deliveries.renewHeld();
        assertThat(deliveries.acknowledgementFailed("t", 0, 7)).isTrue();
        assertThat(deliveries.renewing()).isZero();
        assertThat(deliveries.mayPoll()).isTrue();

        // The group delivers it again, to this worker: a new item, which the old one cannot settle.
        WorkItem second = poll(1, record(7)).getFirst();
        assertThat(second).isNotSameAs(first);
        assertThat(deliveries.settled(first, Settlement.SUCCEEDED)).isFalse();
        assertThat(deliveries.held()).isEqualTo(1);
        assertThat(deliveries.settled(second, Settlement.SUCCEEDED)).isTrue();
        assertThat(acks).containsExactly("7:RENEW", "7:ACCEPT");
    }

    @Test
    void aRefusedAcceptIsNotMistakenForALostLock() {
        WorkItem item = poll(0, record(1)).getFirst();
        deliveries.settled(item, Settlement.SUCCEEDED);
        assertThat(deliveries.acknowledgementFailed("t", 0, 1)).isFalse();
    }

    @Test
    void tasksHeldPastTheLimitAreReleasedAndTheirSettlementIsStale() {
        List<WorkItem> old = poll(0, record(1));
        deliveries.renewHeld();
        List<WorkItem> none = poll(100, record(1)); // renewed: held again, received at 0 still
        assertThat(none).isEmpty();

        List<WorkItem> released = deliveries.releaseHeldReceivedBefore(0);
        assertThat(released).containsExactly(old.getFirst());
        assertThat(acks).containsExactly("1:RENEW", "1:RELEASE");
        assertThat(deliveries.mayPoll()).isTrue();
        assertThat(deliveries.settled(old.getFirst(), Settlement.SUCCEEDED)).isFalse();
        assertThat(acks).hasSize(2);
    }

    @Test
    void shutdownReleasesWhatIsStillHeldButNotWhatIsRenewing() {
        List<WorkItem> items = poll(0, record(1), record(2));
        deliveries.settled(items.get(0), Settlement.SUCCEEDED);
        assertThat(deliveries.releaseHeld()).isEqualTo(1);
        assertThat(acks).containsExactly("1:ACCEPT", "2:RELEASE");
        assertThat(deliveries.size()).isZero();
    }

    @Test
    void theOldestRecordUnderLockIsTracked() {
        assertThat(deliveries.oldestReceivedNanos(-1)).isEqualTo(-1);
        poll(10, record(1));
        deliveries.renewHeld();
        poll(20, record(1)); // came back from renewal: still received at 10
        assertThat(deliveries.oldestReceivedNanos(-1)).isEqualTo(10);
    }
}
