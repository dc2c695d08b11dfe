package dev.jobwire.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TopicNames;
import dev.jobwire.worker.Worker;
import dev.jobwire.worker.execution.AttemptTimeoutException;
import dev.jobwire.worker.handler.HandlerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealKafkaExtension.class)
class WorkerIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** A counter of the worker's, by name and type tag; 0 before the type's first task. */
    static double count(io.micrometer.core.instrument.MeterRegistry meters, String name, String type) {
        var counter = meters.find(name).tag("type", type).functionCounter();
        return counter == null ? 0 : counter.count();
    }

    private static String createTopics(TestKafka kafka, String prefix, int partitions) {
        String topic = kafka.createTopic(prefix, partitions);
        kafka.createTopic(TopicNames.deadLetterTopicFor(topic), 1, Map.of());
        return topic;
    }

    @Test
    void executesEveryPublishedTaskAndCommitsOnShutdown(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "all", 6);
        String group = kafka.uniqueGroupId("all");
        RecordingHandler handler = new RecordingHandler(1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<String> ids = new ArrayList<>();
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            for (int i = 0; i < 500; i++) {
                ids.add(tasks.publish("record", "{}", "key-" + (i % 17)));
            }
            tasks.flush();
        }
        Worker worker = Workers.start(Workers.env(kafka, topic, group), new HandlerRegistry().register("record", handler), meters);
        try {
            await().atMost(PATIENCE).until(() -> handler.distinct() == 500);
            await().atMost(PATIENCE).until(() -> count(meters, "jobwire.tasks.succeeded", "record") == 500);
        } finally {
            worker.close();
        }
        assertThat(ids).allMatch(handler::executed);
        assertThat(Workers.uncommitted(kafka, group, topic, 6)).isZero();
        assertThat(kafka.read(TopicNames.deadLetterTopicFor(topic), 1, Duration.ofSeconds(1))).isEmpty();
    }

    /** A created-at far in the past (1000-01-01) once overflowed the latency timer and left the task unfinished. */
    @Test
    void aTaskCreatedInTheDistantPastSucceedsIsCountedAndCommitted(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "ancient", 1);
        String group = kafka.uniqueGroupId("ancient");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RecordingHandler handler = new RecordingHandler(0);
        Worker worker = Workers.start(Workers.env(kafka, topic, group), new HandlerRegistry().register("record", handler), meters);
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            RecordHeaders headers = new RecordHeaders();
            new dev.jobwire.wire.TaskMetadata("ancient-1", "record", "application/json", Instant.parse("1000-01-01T00:00:00Z"),
                    null, null).writeTo(headers);
            tasks.send(new ProducerRecord<>(topic, 0, (byte[]) null, "{}".getBytes(StandardCharsets.UTF_8), headers));
            tasks.flush();
            await().atMost(PATIENCE).until(() -> count(meters, "jobwire.tasks.succeeded", "record") == 1);
            assertThat(meters.get("jobwire.task.latency").tag("type", "record").timer().count()).isEqualTo(1);
            await().atMost(PATIENCE).until(() -> Workers.uncommitted(kafka, group, topic, 1) == 0);
        } finally {
            worker.close();
        }
        assertThat(handler.executed("ancient-1")).isTrue();
        assertThat(kafka.read(TopicNames.deadLetterTopicFor(topic), 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void retriesWithBackoffThenSucceeds(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "retry", 1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Worker worker = Workers.start(Workers.env(kafka, topic, kafka.uniqueGroupId("retry")), HandlerRegistry.discover(), meters);
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            tasks.publish("fail.sometimes", "{\"failAttempts\":2}");
            tasks.flush();
            await().atMost(PATIENCE).until(() -> count(meters, "jobwire.tasks.succeeded", "fail.sometimes") == 1);
            assertThat(count(meters, "jobwire.tasks.retried", "fail.sometimes")).isEqualTo(2);
        } finally {
            worker.close();
        }
        assertThat(kafka.read(TopicNames.deadLetterTopicFor(topic), 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void aHangingHandlerIsCancelledAtItsTimeoutAndDeadLettered(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "hang", 1);
        AtomicInteger interrupts = new AtomicInteger();
        HandlerRegistry handlers = new HandlerRegistry().register("hang", (task, context) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupts.incrementAndGet();
                throw e;
            }
        });
        Map<String, String> env = Workers.env(kafka, topic, kafka.uniqueGroupId("hang"));
        env.put("JOBWIRE_TYPE_POLICIES", "hang:max-attempts=2,attempt-timeout=300ms");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Worker worker = Workers.start(env, handlers, meters);
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            tasks.publish("hang", "{}");
            tasks.flush();
            // While it hangs, on-call sees how long it has held its partition's commits back.
            await().atMost(PATIENCE).until(() -> meters.get("jobwire.tasks.oldest_unfinished.age").gauge().value() >= 0.2);
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.read(TopicNames.deadLetterTopicFor(topic), 1, PATIENCE);
            assertThat(dead).hasSize(1);
            DeadLetter letter = DeadLetter.readFrom(dead.get(0).headers());
            assertThat(letter.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
            assertThat(letter.attempts()).isEqualTo(2);
            assertThat(letter.failures()).extracting(AttemptFailure::exceptionClass)
                    .containsOnly(AttemptTimeoutException.class.getName());
            assertThat(interrupts.get()).isEqualTo(2);
            await().atMost(PATIENCE).until(() -> meters.get("jobwire.tasks.oldest_unfinished.age").gauge().value() == 0);
        } finally {
            worker.close();
        }
    }

    @Test
    void poisonPillsAreDeadLetteredAtOnceAndThePartitionKeepsFlowing(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "poison", 1);
        RecordingHandler handler = new RecordingHandler(0);
        String group = kafka.uniqueGroupId("poison");
        Worker worker = Workers.start(Workers.env(kafka, topic, group),
                new HandlerRegistry().register("record", handler));
        String before;
        String after;
        RecordHeaders garbageHeaders = new RecordHeaders();
        garbageHeaders.add("jobwire.format", "1".getBytes(StandardCharsets.UTF_8));
        garbageHeaders.add("jobwire.task-id", "no-type".getBytes(StandardCharsets.UTF_8));
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            before = tasks.publish("record", "{}");
            tasks.send(new ProducerRecord<>(topic, 0, "k1".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xff, 0x00, 0x13}, garbageHeaders));
            tasks.publish("no.such.type", "{\"x\":1}", "k2");
            after = tasks.publish("record", "{}");
            tasks.flush();
        }
        try {
            await().atMost(PATIENCE).until(() -> handler.executed(before) && handler.executed(after));
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.read(TopicNames.deadLetterTopicFor(topic), 2, PATIENCE);
            assertThat(dead).hasSize(2);

            // Both run at once (unordered mode), so either may be written first.
            dead.sort(java.util.Comparator.comparingLong(r -> {
                try {
                    return DeadLetter.readFrom(r.headers()).originalOffset();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
            ConsumerRecord<byte[], byte[]> undecodable = dead.get(0);
            DeadLetter first = DeadLetter.readFrom(undecodable.headers());
            assertThat(first.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
            assertThat(first.attempts()).isZero();
            assertThat(first.originalTopic()).isEqualTo(topic);
            assertThat(first.originalOffset()).isEqualTo(1);
            assertThat(first.exceptionMessage()).isEqualTo("missing header 'jobwire.task-type'");
            assertThat(first.worker()).isEqualTo("it-" + group);
            assertThat(undecodable.key()).isEqualTo("k1".getBytes(StandardCharsets.UTF_8));
            assertThat(undecodable.value()).isEqualTo(new byte[] {(byte) 0xff, 0x00, 0x13});
            assertThat(HeaderValues.last(undecodable.headers(), TaskHeaders.TASK_ID)).isEqualTo("no-type");

            DeadLetter second = DeadLetter.readFrom(dead.get(1).headers());
            assertThat(second.reason()).isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
            assertThat(second.originalOffset()).isEqualTo(2);
            assertThat(second.exceptionMessage()).startsWith("no handler is registered for task type 'no.such.type'");
            assertThat(new String(dead.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":1}");
        } finally {
            worker.close();
        }
    }

    @Test
    void outOfAttemptsTasksCarryEveryAttemptAndTheOriginalUntouched(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "exhaust", 1);
        Map<String, String> env = Workers.env(kafka, topic, kafka.uniqueGroupId("exhaust"));
        env.put("JOBWIRE_TYPE_POLICIES", "fail.always:max-attempts=3,breaker-failure-rate=0");
        Worker worker = Workers.start(env, HandlerRegistry.discover());
        String id;
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            id = tasks.publish("fail.always", "{\"message\":\"card declined\"}", "order-7");
            tasks.flush();
        }
        try {
            List<ConsumerRecord<byte[], byte[]>> original = kafka.read(topic, 1, PATIENCE);
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.read(TopicNames.deadLetterTopicFor(topic), 1, PATIENCE);
            assertThat(dead).hasSize(1);
            ConsumerRecord<byte[], byte[]> letterRecord = dead.get(0);
            DeadLetter letter = DeadLetter.readFrom(letterRecord.headers());
            assertThat(letter.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.failures()).hasSize(3).allSatisfy(f -> {
                assertThat(f.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
                assertThat(f.message()).isEqualTo("card declined");
            });
            assertThat(letter.failures()).extracting(AttemptFailure::at).isSorted();
            assertThat(letter.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
            assertThat(letter.stackTrace()).startsWith("java.lang.IllegalStateException: card declined");
            assertThat(letter.originalPartition()).isZero();
            assertThat(letter.originalOffset()).isZero();
            assertThat(letter.originalTimestamp()).isEqualTo(Instant.ofEpochMilli(original.get(0).timestamp()));
            assertThat(letter.deadLetteredAt()).isAfterOrEqualTo(letter.originalTimestamp());
            // Key, value and every original header are unchanged.
            assertThat(letterRecord.key()).isEqualTo(original.get(0).key());
            assertThat(letterRecord.value()).isEqualTo(original.get(0).value());
            for (Header header : original.get(0).headers()) {
                assertThat(letterRecord.headers().lastHeader(header.key()).value()).isEqualTo(header.value());
            }
            assertThat(HeaderValues.last(letterRecord.headers(), TaskHeaders.TASK_ID)).isEqualTo(id);
        } finally {
            worker.close();
        }
    }

    @Test
    void aBacklogBeyondTheBufferPausesAndResumesWithinItsLimit(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "backlog", 4);
        int count = 3000;
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            for (int i = 0; i < count; i++) {
                tasks.publish("record", "{}");
            }
            tasks.flush();
        }
        RecordingHandler handler = new RecordingHandler(1);
        Map<String, String> env = Workers.env(kafka, topic, kafka.uniqueGroupId("backlog"));
        env.put("JOBWIRE_BUFFER_CAPACITY", "40");
        env.put("JOBWIRE_PARTITION_HIGH_WATERMARK", "8");
        env.put("JOBWIRE_MAX_IN_FLIGHT", "4");
        Worker worker = Workers.start(env, new HandlerRegistry().register("record", handler));
        AtomicInteger maxBuffered = new AtomicInteger();
        AtomicInteger maxPaused = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (sampling.get()) {
                maxBuffered.accumulateAndGet(worker.buffered(), Math::max);
                maxPaused.accumulateAndGet(worker.pausedPartitions(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> handler.distinct() == count);
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.pausedPartitions() == 0);
        } finally {
            sampling.set(false);
            sampler.join();
            worker.close();
        }
        assertThat(maxBuffered.get()).isPositive().isLessThanOrEqualTo(40);
        assertThat(maxPaused.get()).isPositive();
    }

    @Test
    void twoWorkersSharePartitionsAndOneFinishesWhenTheOtherStops(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "shared", 6);
        String group = kafka.uniqueGroupId("shared");
        RecordingHandler first = new RecordingHandler(5);
        RecordingHandler second = new RecordingHandler(5);
        Map<String, String> env = Workers.env(kafka, topic, group);
        env.put("JOBWIRE_MAX_IN_FLIGHT", "8");
        Worker one = Workers.start(env, new HandlerRegistry().register("record", first));
        Map<String, String> env2 = new java.util.HashMap<>(env);
        env2.put("JOBWIRE_INSTANCE_ID", "it-second");
        Worker two = Workers.start(env2, new HandlerRegistry().register("record", second));
        List<String> ids = new ArrayList<>();
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(one.notReadyReasons()).isEmpty();
                assertThat(two.notReadyReasons()).isEmpty();
                assertThat(one.assignedPartitions()).isPositive();
                assertThat(two.assignedPartitions()).isPositive();
            });
            for (int i = 0; i < 1200; i++) {
                ids.add(tasks.publish("record", "{}"));
            }
            tasks.flush();
            await().atMost(PATIENCE).until(() -> first.distinct() > 50 && second.distinct() > 50);
            one.close();
            await().atMost(PATIENCE).until(() -> ids.stream().allMatch(id -> first.executed(id) || second.executed(id)));
        } finally {
            one.close();
            two.close();
        }
        assertThat(first.distinct()).isPositive().isLessThan(1200);
        assertThat(second.distinct()).isPositive();
        assertThat(Workers.uncommitted(kafka, group, topic, 6)).isZero();
    }
}
