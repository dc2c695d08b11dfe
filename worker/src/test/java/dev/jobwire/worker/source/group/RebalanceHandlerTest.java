package dev.jobwire.worker.source.group;

import static dev.jobwire.worker.source.group.GroupHarness.PATIENCE;
import static dev.jobwire.worker.source.group.GroupHarness.join;
import static dev.jobwire.worker.source.group.GroupHarness.partition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.worker.backpressure.Watermarks;
import dev.jobwire.worker.completion.AcknowledgedWrites;
import dev.jobwire.worker.completion.WriteHealth;
import dev.jobwire.worker.source.Settlement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Partitions coming and going under a running {@link GroupSource}, with Kafka's {@link MockConsumer}: what is committed, cancelled, paused. */
class RebalanceHandlerTest {
    private static final TopicPartition P0 = partition(0);
    private static final TopicPartition P1 = partition(1);

    @Test
    void revocationCommitsOnlyFinishedOffsetsAndCancelsATaskStillRunningAfterTheGrace() throws Exception {
        GroupHarness.Tuning tuning = new GroupHarness.Tuning();
        tuning.revocationGrace = Duration.ofMillis(200);
        try (GroupHarness group = new GroupHarness(tuning)) {
            group.body.on(P0, 2, ScriptedBody.UNTIL_CANCELLED);
            group.start(P0, P1);
            group.publish(P0, 0, 5);
            group.publish(P1, 0, 2);
            await().atMost(PATIENCE).until(() -> List.of(0L, 1L, 3L, 4L).stream()
                    .allMatch(offset -> group.body.settlement(P0, offset) == Settlement.SUCCEEDED)
                    && group.body.started(P0, 2) && group.body.settlement(P1, 1) == Settlement.SUCCEEDED);

            join(group.consumer.onPollThread(() -> group.consumer.rebalance(List.of(P1))));

            // Cancellation interrupts the task's thread; on a busy machine it may record that after the
            // revocation has returned.
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(group.body.interrupted(P0, 2)).as("the task outliving the grace was cancelled").isTrue();
                assertThat(group.body.settlement(P0, 2)).isEqualTo(Settlement.CANCELLED);
            });
            assertThat(group.consumer.commits()).first().isEqualTo(new TestConsumer.Commit(true, Map.of(P0, 2L), false));
            assertThat(group.consumer.commits()).as("nothing ever commits past the unfinished offset 2")
                    .allSatisfy(commit -> assertThat(commit.offsets().getOrDefault(P0, 2L)).isLessThanOrEqualTo(2L));
            assertThat(group.consumer.committedOffset(P0)).isEqualTo(2);
            assertThat(group.source.assignedPartitions()).isEqualTo(1);
        }
    }

    @Test
    void aTaskFinishingWithinTheRevocationGraceIsCommittedAndBufferedRecordsAreDropped() throws Exception {
        GroupHarness.Tuning tuning = new GroupHarness.Tuning();
        tuning.maxInFlight = 1;
        try (GroupHarness group = new GroupHarness(tuning)) {
            CountDownLatch mayFinish = new CountDownLatch(1);
            // Offset 1 finishes only after the revocation dropped what was buffered, i.e. once the revocation is under way.
            group.body.on(P0, 1, item -> {
                mayFinish.await();
                await().atMost(PATIENCE).until(() -> group.threads.admission().buffered() == 0);
                Thread.sleep(100); // the revocation is waiting by now (or, if it does not wait, has committed)
                item.settle(Settlement.SUCCEEDED);
            });
            group.start(P0);
            group.publish(P0, 0, 5);
            await().atMost(PATIENCE).until(() -> group.body.started(P0, 1) && group.threads.admission().buffered() == 3);

            join(group.consumer.onPollThread(() -> {
                mayFinish.countDown();
                group.consumer.rebalance(List.of());
            }));

            assertThat(group.body.settlement(P0, 1)).isEqualTo(Settlement.SUCCEEDED);
            assertThat(group.body.interrupted(P0, 1)).isFalse();
            assertThat(group.consumer.commits()).containsExactly(new TestConsumer.Commit(true, Map.of(P0, 2L), false));
            assertThat(group.body.startedAt()).extracting(ScriptedBody.At::offset).containsExactlyInAnyOrder(0L, 1L);
        }
    }

    @Test
    void lostPartitionsCommitNothingAndTheirTasksAreCancelled() throws Exception {
        try (GroupHarness group = new GroupHarness(new GroupHarness.Tuning())) {
            group.body.on(P0, 2, ScriptedBody.UNTIL_CANCELLED);
            group.start(P0);
            group.publish(P0, 0, 3);
            await().atMost(PATIENCE).until(() -> group.body.settlement(P0, 1) == Settlement.SUCCEEDED
                    && group.body.settlement(P0, 0) == Settlement.SUCCEEDED && group.body.started(P0, 2));

            join(group.consumer.onPollThread(() -> group.consumer.losePartitions(List.of(P0))));
            await().atMost(PATIENCE).until(() -> group.body.settlement(P0, 2) == Settlement.CANCELLED);
            // A few more turns of the loop: the idle worker must not commit for the lost partition either.
            for (int i = 0; i < 5; i++) {
                join(group.consumer.onPollThread(() -> { }));
            }

            assertThat(group.body.interrupted(P0, 2)).isTrue();
            assertThat(group.consumer.commits()).isEmpty();
            assertThat(group.source.assignedPartitions()).isZero();
            group.stopAndAwait();
            assertThat(group.consumer.commits()).as("nor at shutdown").isEmpty();
        }
    }

    @Test
    void partitionsAssignedWhileTheBufferIsFullStartPaused() throws Exception {
        GroupHarness.Tuning tuning = new GroupHarness.Tuning();
        tuning.maxInFlight = 1;
        tuning.total = new Watermarks(3, 1);
        try (GroupHarness group = new GroupHarness(tuning)) {
            CountDownLatch drain = new CountDownLatch(1);
            group.body.on(P0, 0, ScriptedBody.succeedWhen(drain));
            group.start(P0);
            group.publish(P0, 0, 6);
            await().atMost(PATIENCE).until(() -> group.body.started(P0, 0) && group.threads.admission().buffered() == 5);

            AtomicReference<Set<TopicPartition>> pausedOnAssignment = new AtomicReference<>();
            join(group.consumer.onPollThread(() -> {
                group.consumer.rebalance(List.of(P0, P1));
                pausedOnAssignment.set(Set.copyOf(group.consumer.paused()));
                group.add(P1, 0, 1); // fetched by this very poll unless P1 is paused
            }));

            assertThat(pausedOnAssignment.get()).contains(P1);
            assertThat(group.consumer.position(P1)).as("nothing fetched for the new partition").isZero();
            drain.countDown();
            await().atMost(PATIENCE).until(() -> group.body.settlement(P1, 0) == Settlement.SUCCEEDED);
            group.awaitCommitted(P0, 6);
            group.awaitCommitted(P1, 1);
        }
    }

    @Test
    void revocationWaitsForAWriteOnItsWayAndAbandonsOneWaitingToRetry() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        WriteHealth health = new WriteHealth();
        // Backoff of an hour: a failed write is certainly still waiting to retry when the revocation comes.
        AcknowledgedWrites writes = new AcknowledgedWrites(producer, health, Duration.ofHours(1), Duration.ofHours(2));
        try (GroupHarness group = new GroupHarness(new GroupHarness.Tuning())) {
            CountDownLatch zeroMayWrite = new CountDownLatch(1);
            group.body.on(P0, 0, item -> {
                zeroMayWrite.await();
                writes.write(item, deadLetter(0), NamedWrite.of("dead letter 0"), Settlement.DEAD_LETTERED);
            });
            group.body.on(P0, 1, item -> writes.write(item, deadLetter(1), NamedWrite.of("dead letter 1"),
                    Settlement.DEAD_LETTERED));
            group.start(P0);
            group.publish(P0, 0, 2);
            await().atMost(PATIENCE).until(() -> producer.history().size() == 1);
            assertThat(producer.errorNext(new TimeoutException("injected: broker unreachable"))).isTrue();
            await().atMost(PATIENCE).until(() -> health.failures() == 1);
            zeroMayWrite.countDown();
            await().atMost(PATIENCE).until(() -> producer.history().size() == 2);

            CompletableFuture<Void> revoked = group.consumer.onPollThread(() -> group.consumer.rebalance(List.of()));
            await().atMost(PATIENCE).until(() -> group.body.settlement(P0, 1) == Settlement.CANCELLED);
            assertThat(revoked).as("the revocation waits for the write on its way").isNotDone();
            assertThat(group.body.settlement(P0, 0)).isNull();
            assertThat(producer.completeNext()).isTrue();
            join(revoked);

            assertThat(group.body.settlement(P0, 0)).isEqualTo(Settlement.DEAD_LETTERED);
            assertThat(group.consumer.commits()).containsExactly(new TestConsumer.Commit(true, Map.of(P0, 1L), false));
            assertThat(producer.history()).as("the abandoned write was not sent again")
                    .extracting(record -> new String(record.key())).containsExactly("1", "0");
            assertThat(health.pending()).isZero();
        }
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(long offset) {
        return new ProducerRecord<>("tasks.dlt", Long.toString(offset).getBytes(), new byte[0]);
    }

    /** A write that cannot be made smaller and does nothing once written. */
    record NamedWrite(String description) implements AcknowledgedWrites.Write {
        static NamedWrite of(String description) {
            return new NamedWrite(description);
        }

        @Override
        public ProducerRecord<byte[], byte[]> shrink(ProducerRecord<byte[], byte[]> refused) {
            return null;
        }

        @Override
        public void written(ProducerRecord<byte[], byte[]> written, RecordMetadata metadata) {
        }
    }
}
