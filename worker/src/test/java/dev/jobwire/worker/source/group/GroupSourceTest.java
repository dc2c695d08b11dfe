package dev.jobwire.worker.source.group;

import static dev.jobwire.worker.source.group.GroupHarness.PATIENCE;
import static dev.jobwire.worker.source.group.GroupHarness.join;
import static dev.jobwire.worker.source.group.GroupHarness.partition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.worker.completion.AcknowledgedWrites;
import dev.jobwire.worker.completion.WriteHealth;
import dev.jobwire.worker.source.Settlement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The poll loop with Kafka's {@link MockConsumer}: when and what it commits, how it stops, what it pauses. */
class GroupSourceTest {
    private static final TopicPartition P0 = partition(0);
    private static final TopicPartition P1 = partition(1);

    @Test
    void aFailedAsyncCommitIsRetriedWithTheSameOrLaterOffsets() throws Exception {
        GroupHarness.Tuning tuning = new GroupHarness.Tuning();
        tuning.commitInterval = Duration.ofMillis(100);
        try (GroupHarness group = new GroupHarness(tuning)) {
            group.consumer.failAsyncCommits(2);
            group.start(P0);
            group.publish(P0, 0, 3);
            await().atMost(PATIENCE).until(() -> group.consumer.commits().stream().filter(TestConsumer.Commit::failed).count() == 2);
            group.publish(P0, 3, 2);
            group.awaitCommitted(P0, 5);

            List<TestConsumer.Commit> commits = group.consumer.commits();
            assertThat(commits).filteredOn(TestConsumer.Commit::failed).hasSize(2)
                    .allSatisfy(commit -> assertThat(commit.offsets()).isEqualTo(Map.of(P0, 3L)));
            assertThat(commits).filteredOn(commit -> !commit.failed()).isNotEmpty()
                    .allSatisfy(commit -> assertThat(commit.offsets().get(P0)).isGreaterThanOrEqualTo(3L));
        }
    }

    @Test
    void shutdownGivesRunningTasksTheGraceThenCancelsAndCommitsOnlyFinishedOffsets() throws Exception {
        GroupHarness.Tuning tuning = new GroupHarness.Tuning();
        tuning.maxInFlight = 2;
        tuning.shutdownGrace = Duration.ofSeconds(3); // offset 2 runs until cancelled: the test waits this long
        GroupHarness group = new GroupHarness(tuning);
        CountDownLatch oneMayFinish = new CountDownLatch(1);
        group.body.on(P0, 1, ScriptedBody.succeedWhen(oneMayFinish));
        group.body.on(P0, 2, ScriptedBody.UNTIL_CANCELLED);
        group.start(P0);
        group.publish(P0, 0, 5);
        await().atMost(PATIENCE).until(() -> group.body.settlement(P0, 0) == Settlement.SUCCEEDED
                && group.body.started(P0, 1) && group.body.started(P0, 2));

        group.source.requestStop();
        // Offset 1 finishes only once the shutdown began (it pauses every partition), i.e. within its grace.
        releaseWhenStopping(group, oneMayFinish);
        assertThat(group.source.awaitFinished(PATIENCE)).isTrue();
        group.close();

        assertThat(group.body.settlement(P0, 1)).isEqualTo(Settlement.SUCCEEDED);
        // The cancelled task's thread may record its interruption after the loop has ended, on a busy machine.
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(group.body.interrupted(P0, 2)).isTrue();
            assertThat(group.body.settlement(P0, 2)).isEqualTo(Settlement.CANCELLED);
        });
        assertThat(group.body.startedAt()).as("buffered records are not started after the stop")
                .extracting(ScriptedBody.At::offset).containsExactlyInAnyOrder(0L, 1L, 2L);
        assertThat(group.consumer.commits()).last().isEqualTo(new TestConsumer.Commit(true, Map.of(P0, 2L), false));
        assertThat(group.consumer.committedOffset(P0)).isEqualTo(2);
        assertThat(group.consumer.closed()).isTrue();
    }

    private static void releaseWhenStopping(GroupHarness group, CountDownLatch latch) {
        group.consumer.schedulePollTask(() -> {
            if (!group.consumer.assignment().isEmpty() && group.consumer.paused().containsAll(group.consumer.assignment())) {
                latch.countDown();
            } else {
                releaseWhenStopping(group, latch);
            }
        });
    }

    @Test
    void fallingIdleCommitsAtOnceRatherThanAfterTheCommitInterval() throws Exception {
        try (GroupHarness group = new GroupHarness(new GroupHarness.Tuning())) { // commit interval: an hour
            group.start(P0);
            group.publish(P0, 0, 5);
            group.awaitCommitted(P0, 5);

            CountDownLatch sevenMayFinish = new CountDownLatch(1);
            group.body.on(P0, 7, ScriptedBody.succeedWhen(sevenMayFinish));
            group.publish(P0, 5, 5);
            await().atMost(PATIENCE).until(() -> LongStream.of(5, 6, 8, 9)
                    .allMatch(offset -> group.body.settlement(P0, offset) == Settlement.SUCCEEDED));
            join(group.consumer.onPollThread(() -> { })); // a turn of the loop with offset 7 still running
            assertThat(group.consumer.committedOffset(P0)).as("not past the running offset 7").isBetween(5L, 7L);

            sevenMayFinish.countDown();
            group.awaitCommitted(P0, 10);
            assertThat(group.consumer.commits()).extracting(commit -> commit.offsets().get(P0)).isSorted();
        }
    }

    @Test
    void aPartitionWithManyPendingWritesIsPausedWhileOthersKeepFlowing() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        AcknowledgedWrites writes = new AcknowledgedWrites(producer, new WriteHealth(), Duration.ofMillis(10),
                Duration.ofMillis(100));
        GroupHarness.Tuning tuning = new GroupHarness.Tuning();
        tuning.laneWriteLimit = 2;
        tuning.commitInterval = Duration.ofMillis(100); // writes pending: the worker is never idle
        try (GroupHarness group = new GroupHarness(tuning)) {
            for (long offset = 0; offset < 2; offset++) {
                group.body.on(P0, offset, item -> writes.write(item, new ProducerRecord<>("tasks.dlt", new byte[0]),
                        RebalanceHandlerTest.NamedWrite.of("dead letter"), Settlement.DEAD_LETTERED));
            }
            group.start(P0, P1);
            group.publish(P0, 0, 2);
            await().atMost(PATIENCE).until(() -> producer.history().size() == 2);
            await().atMost(PATIENCE).until(() -> group.consumer.paused().contains(P0));

            join(group.consumer.onPollThread(() -> {
                group.add(P0, 2, 3);
                group.add(P1, 0, 10);
            }));
            group.awaitCommitted(P1, 10);
            assertThat(group.consumer.paused()).containsExactly(P0);
            assertThat(group.consumer.position(P0)).as("nothing fetched for the paused partition").isEqualTo(2);
            assertThat(group.consumer.committedOffset(P0)).as("its dead letters are not written yet").isLessThanOrEqualTo(0);

            assertThat(producer.completeNext()).isTrue();
            assertThat(producer.completeNext()).isTrue();
            group.awaitCommitted(P0, 5);
            assertThat(group.body.settlement(P0, 0)).isEqualTo(Settlement.DEAD_LETTERED);
            assertThat(group.consumer.paused()).isEmpty();
        }
    }
}
