package dev.jobwire.worker.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.TestItems;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.source.Settlement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Writes that finish tasks, against Kafka's {@link MockProducer} with auto-completion off: the
 * test decides each send's fate.
 */
class AcknowledgedWritesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final WriteHealth health = new WriteHealth();
    private final TestItems items = new TestItems();
    private final Lane lane = new Lane("tasks-0");
    private final AtomicInteger written = new AtomicInteger();

    @Test
    void aFailedWriteIsRetriedUntilAcknowledgedAndOnlyThenSettlesItsItem() {
        AcknowledgedWrites writes = new AcknowledgedWrites(producer, health, Duration.ofMillis(10), Duration.ofMillis(50));
        WorkItem item = items.items(lane, 0, 1).getFirst();

        writes.write(item, record("a"), new CountingWrite("dead letter a"), Settlement.DEAD_LETTERED);
        await().atMost(PATIENCE).until(() -> producer.history().size() == 1);
        assertThat(health.pending()).isEqualTo(1);
        assertThat(health.problem()).as("no answer yet is no problem").isNull();

        assertThat(producer.errorNext(new TimeoutException("injected: broker unreachable"))).isTrue();
        await().atMost(PATIENCE).until(() -> producer.history().size() == 2);
        assertThat(health.problem()).contains("1 dead-letter or delayed-task write(s) pending")
                .contains("dead letter a").contains("injected: broker unreachable");
        assertThat(producer.errorNext(new TimeoutException("injected again"))).isTrue();
        await().atMost(PATIENCE).until(() -> producer.history().size() == 3);
        assertThat(items.settled()).as("not settled before the broker acknowledged").isEmpty();
        assertThat(lane.writes().count()).isEqualTo(1);

        assertThat(producer.completeNext()).isTrue();
        await().atMost(PATIENCE).until(() -> items.settled().containsKey(0L));
        assertThat(items.settled()).containsEntry(0L, Settlement.DEAD_LETTERED);
        assertThat(written.get()).isEqualTo(1);
        assertThat(producer.history()).extracting(r -> new String(r.key())).containsExactly("a", "a", "a");
        await().atMost(PATIENCE).until(() -> health.pending() == 0 && lane.writes().count() == 0);
        assertThat(health.failures()).isEqualTo(2);
        assertThat(health.problem()).isNull();
    }

    @Test
    void writeHealthReportsTheProblemWhileWritesFailAndClearsAfterASuccess() {
        AcknowledgedWrites writes = new AcknowledgedWrites(producer, health, Duration.ofHours(1), Duration.ofHours(2));
        List<WorkItem> two = items.items(lane, 0, 2);

        writes.write(two.get(0), record("a"), new CountingWrite("dead letter a"), Settlement.DEAD_LETTERED);
        await().atMost(PATIENCE).until(() -> producer.history().size() == 1);
        assertThat(producer.errorNext(new TimeoutException("injected: topic unwritable"))).isTrue();
        await().atMost(PATIENCE).until(() -> health.problem() != null);
        assertThat(health.problem()).contains("dead letter a").contains("injected: topic unwritable");

        writes.write(two.get(1), record("b"), new CountingWrite("dead letter b"), Settlement.DEAD_LETTERED);
        await().atMost(PATIENCE).until(() -> producer.history().size() == 2);
        assertThat(producer.completeNext()).isTrue();
        await().atMost(PATIENCE).until(() -> items.settled().containsKey(1L));
        assertThat(health.problem()).as("a write got through: writes are working again, though 'a' still waits to retry")
                .isNull();
        assertThat(health.pending()).isEqualTo(1);

        lane.cancel();
        lane.writes().interruptAll();
        await().atMost(PATIENCE).until(() -> health.pending() == 0);
    }

    @Test
    void cancellingTheLaneAbandonsAWriteWaitingToRetryButNotASendOnItsWay() {
        AcknowledgedWrites writes = new AcknowledgedWrites(producer, health, Duration.ofHours(1), Duration.ofHours(2));
        List<WorkItem> two = items.items(lane, 0, 2);
        writes.write(two.get(0), record("retrying"), new CountingWrite("dead letter 0"), Settlement.DEAD_LETTERED);
        await().atMost(PATIENCE).until(() -> producer.history().size() == 1);
        assertThat(producer.errorNext(new TimeoutException("injected"))).isTrue();
        await().atMost(PATIENCE).until(() -> health.failures() == 1);
        writes.write(two.get(1), record("on its way"), new CountingWrite("dead letter 1"), Settlement.DEAD_LETTERED);
        await().atMost(PATIENCE).until(() -> producer.history().size() == 2);

        lane.cancel(); // as revocation and shutdown do
        lane.writes().interruptAll();

        await().atMost(PATIENCE).until(() -> items.settled().containsKey(0L));
        assertThat(items.settled()).containsEntry(0L, Settlement.CANCELLED).doesNotContainKey(1L);
        assertThat(lane.writes().count()).as("the send on its way is still awaited").isEqualTo(1);

        assertThat(producer.completeNext()).isTrue();
        await().atMost(PATIENCE).until(() -> items.settled().containsKey(1L));
        assertThat(items.settled()).containsEntry(1L, Settlement.DEAD_LETTERED);
        assertThat(written.get()).isEqualTo(1);
        assertThat(producer.history()).extracting(r -> new String(r.key())).containsExactly("retrying", "on its way");
        await().atMost(PATIENCE).until(() -> lane.writes().count() == 0 && health.pending() == 0);
    }

    @Test
    void aWriteForAnAlreadyCancelledLaneIsNeverSent() {
        AcknowledgedWrites writes = new AcknowledgedWrites(producer, health, Duration.ofMillis(10), Duration.ofMillis(50));
        WorkItem item = items.items(lane, 0, 1).getFirst();
        lane.cancel();

        writes.write(item, record("late"), new CountingWrite("dead letter late"), Settlement.DEAD_LETTERED);

        await().atMost(PATIENCE).until(() -> items.settled().containsKey(0L));
        assertThat(items.settled()).containsEntry(0L, Settlement.CANCELLED);
        assertThat(producer.history()).isEmpty();
        await().atMost(PATIENCE).until(() -> health.pending() == 0);
    }

    private static ProducerRecord<byte[], byte[]> record(String key) {
        return new ProducerRecord<>("tasks.dlt", key.getBytes(), new byte[0]);
    }

    /** Cannot be made smaller; counts acknowledgements. */
    private final class CountingWrite implements AcknowledgedWrites.Write {
        private final String description;

        CountingWrite(String description) {
            this.description = description;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public ProducerRecord<byte[], byte[]> shrink(ProducerRecord<byte[], byte[]> refused) {
            return null;
        }

        @Override
        public void written(ProducerRecord<byte[], byte[]> record, RecordMetadata metadata) {
            written.incrementAndGet();
        }
    }
}
