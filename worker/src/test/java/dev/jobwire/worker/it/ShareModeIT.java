package dev.jobwire.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterHeaders;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.TopicNames;
import dev.jobwire.worker.Worker;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.metrics.WorkerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Queue mode (JOBWIRE_CONSUMER_MODE=share) against the real broker: more workers than partitions
 * all take work, where a consumer group leaves the extra ones idle; and a task that fails for good
 * is dead-lettered exactly as in group mode.
 */
@ExtendWith(RealKafkaExtension.class)
class ShareModeIT {
    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final int TASKS = 200;

    private static String createTopics(TestKafka kafka, String prefix, int partitions) {
        String topic = kafka.createTopic(prefix, partitions);
        kafka.createTopic(TopicNames.deadLetterTopicFor(topic), 1, Map.of());
        return topic;
    }

    private static Map<String, String> env(TestKafka kafka, String topic, String group, String mode) {
        Map<String, String> env = Workers.env(kafka, topic, group);
        env.put("JOBWIRE_CONSUMER_MODE", mode);
        return env;
    }

    private static double succeeded(MeterRegistry meters, String type) {
        return WorkerIT.count(meters, "jobwire.tasks.succeeded", type);
    }

    private static double counter(MeterRegistry meters, String name, String... tags) {
        var counter = Search.in(meters).name(name).tags(tags).functionCounter();
        return counter == null ? 0 : counter.count();
    }

    /** The case: 4 workers on a 2-partition topic, each with 4 I/O slots. */
    @Test
    void moreWorkersThanPartitionsAllWorkInShareModeWhileAConsumerGroupLeavesTheExtraOnesIdle(TestKafka kafka)
            throws Exception {
        double[] share = runSleepTasks(kafka, "share", 2, 4, 4);
        System.out.printf("share mode, 4 workers, 2 partitions, %d tasks of 200 ms, max in flight 4: per worker %s%n",
                TASKS, java.util.Arrays.toString(share));
        assertThat(java.util.Arrays.stream(share).filter(n -> n > 0).count()).isEqualTo(4);

        double[] group = runSleepTasks(kafka, "group", 2, 4, 4);
        System.out.printf("group mode, 4 workers, 2 partitions, %d tasks of 200 ms, max in flight 4: per worker %s%n",
                TASKS, java.util.Arrays.toString(group));
        assertThat(java.util.Arrays.stream(group).filter(n -> n > 0).count()).isEqualTo(2);
        assertThat(java.util.Arrays.stream(group).filter(n -> n == 0).count()).isEqualTo(2);
    }

    /**
     * One I/O slot per worker: three workers on one partition all take tasks. (On a 2-partition
     * topic, 4 share consumers that take one record per poll were served by Kafka 4.4.0 one per
     * partition, bare {@code KafkaShareConsumer}s too: see docs/worker.md.)
     */
    @Test
    void workersWithOneSlotEachShareOnePartition(TestKafka kafka) throws Exception {
        double[] share = runSleepTasks(kafka, "share", 1, 3, 1);
        System.out.printf("share mode, 3 workers, 1 partition, %d tasks of 200 ms, max in flight 1: per worker %s%n",
                TASKS, java.util.Arrays.toString(share));
        assertThat(java.util.Arrays.stream(share).filter(n -> n > 0).count()).isEqualTo(3);
    }

    /** Starts workers in {@code mode}, waits until all are members with an assignment, runs the tasks; returns each worker's successes. */
    private static double[] runSleepTasks(TestKafka kafka, String mode, int partitions, int workerCount, int inFlight)
            throws Exception {
        String topic = createTopics(kafka, mode + "-scale", partitions);
        String group = kafka.uniqueGroupId(mode + "-scale");
        List<Worker> workers = new ArrayList<>();
        List<MeterRegistry> meters = new ArrayList<>();
        try {
            for (int i = 0; i < workerCount; i++) {
                Map<String, String> env = env(kafka, topic, group, mode);
                env.put("JOBWIRE_MAX_IN_FLIGHT", Integer.toString(inFlight));
                env.put("JOBWIRE_INSTANCE_ID", "it-" + mode + "-" + i);
                MeterRegistry registry = new SimpleMeterRegistry();
                meters.add(registry);
                workers.add(Workers.start(env, HandlerRegistry.discover(), registry));
            }
            try (Admin admin = kafka.admin()) {
                await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> assertThat(membersWithPartitions(admin, group, mode))
                        .isEqualTo(mode.equals("share") ? workerCount : partitions));
                if (mode.equals("group")) {
                    await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> assertThat(groupMembers(admin, group)).isEqualTo(workerCount));
                }
            }
            long started = System.nanoTime();
            try (TestTasks tasks = new TestTasks(kafka, topic)) {
                for (int i = 0; i < TASKS; i++) {
                    tasks.publish("sleep", "{\"ms\":200}", "task-" + i); // keyed: spread over the partitions
                }
                tasks.flush();
            }
            await().atMost(PATIENCE).until(() -> meters.stream().mapToDouble(m -> succeeded(m, "sleep")).sum() >= TASKS);
            System.out.printf("%s mode: %d tasks in %d ms%n", mode, TASKS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            double[] perWorker = meters.stream().mapToDouble(m -> succeeded(m, "sleep")).toArray();
            assertThat(java.util.Arrays.stream(perWorker).sum()).isEqualTo(TASKS);
            if (mode.equals("share")) {
                double acquired = 0;
                double redelivered = 0;
                for (MeterRegistry m : meters) {
                    acquired += counter(m, "jobwire.share.records.acquired", "delivery", "1");
                    for (int d = 2; d <= 10; d++) {
                        redelivered += counter(m, "jobwire.share.records.acquired", "delivery", Integer.toString(d));
                    }
                    assertThat(counter(m, "jobwire.share.records.acknowledged", "ack", "release")).isZero();
                }
                assertThat(acquired).isEqualTo(TASKS);
                assertThat(redelivered).isZero();
                // Every acceptance is sent soon after its task ends, not only at the next poll.
                await().atMost(PATIENCE).until(() -> meters.stream()
                        .mapToDouble(m -> counter(m, "jobwire.share.records.acknowledged", "ack", "accept")).sum() == TASKS);
            }
            return perWorker;
        } finally {
            for (Worker worker : workers) {
                worker.close();
            }
        }
    }

    private static int membersWithPartitions(Admin admin, String group, String mode) throws Exception {
        if (mode.equals("share")) {
            ShareGroupDescription description = admin.describeShareGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                    .get(group);
            int n = 0;
            for (ShareMemberDescription member : description.members()) {
                if (!member.assignment().topicPartitions().isEmpty()) {
                    n++;
                }
            }
            return n;
        }
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                .get(group);
        int n = 0;
        for (MemberDescription member : description.members()) {
            if (!member.assignment().topicPartitions().isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private static int groupMembers(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).members().size();
    }

    /**
     * A task running longer than the lock (15 s, the shortest the broker allows) keeps its record:
     * the lock is renewed at half its duration, so it is neither delivered again nor refused.
     */
    @Test
    void aTaskLongerThanItsLockHasTheLockRenewedAndRunsOnce(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "share-renew", 1);
        String group = kafka.uniqueGroupId("share-renew");
        try (Admin admin = kafka.admin()) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                    new AlterConfigOp(new ConfigEntry("share.record.lock.duration.ms", "15000"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> env = env(kafka, topic, group, "share");
        env.put("JOBWIRE_ATTEMPT_TIMEOUT", "60s");
        MeterRegistry meters = new SimpleMeterRegistry();
        Worker worker = Workers.start(env, HandlerRegistry.discover(), meters);
        try {
            try (TestTasks tasks = new TestTasks(kafka, topic)) {
                tasks.publish("sleep", "{\"ms\":20000}");
                tasks.flush();
            }
            await().atMost(PATIENCE).until(() -> succeeded(meters, "sleep") == 1
                    && counter(meters, "jobwire.share.records.acknowledged", "ack", "accept") == 1);
            assertThat(counter(meters, "jobwire.share.lock.renewals")).isPositive();
            assertThat(counter(meters, "jobwire.share.records.acquired", "delivery", "1")).isEqualTo(1);
            assertThat(counter(meters, "jobwire.share.records.acquired", "delivery", "2")).isZero();
            assertThat(counter(meters, "jobwire.share.acknowledgements.failed")).isZero();
            assertThat(worker.isRunning()).isTrue();
        } finally {
            worker.close();
        }
    }

    @Test
    void aTaskThatFailsForGoodIsDeadLetteredWithTheSameHeadersAsInGroupMode(TestKafka kafka) throws Exception {
        String topic = createTopics(kafka, "share-dlt", 1);
        String dlt = TopicNames.deadLetterTopicFor(topic);
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            tasks.publish("fail.always", "{\"message\":\"card declined\"}", "order-7");
            tasks.flush();
        }
        // The same record, consumed by a share group and by a consumer group: one dead letter each.
        List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
        for (String mode : List.of("share", "group")) {
            Map<String, String> env = env(kafka, topic, kafka.uniqueGroupId("dlt-" + mode), mode);
            env.put("JOBWIRE_INSTANCE_ID", "it-dlt-" + mode);
            env.put("JOBWIRE_TYPE_POLICIES", "fail.always:max-attempts=3,breaker-failure-rate=0");
            MeterRegistry meters = mode.equals("share") ? WorkerMetrics.prometheusRegistry() : new SimpleMeterRegistry();
            Worker worker = Workers.start(env, HandlerRegistry.discover(), meters);
            try {
                letters = kafka.read(dlt, letters.size() + 1, PATIENCE);
                assertThat(letters).hasSize(mode.equals("share") ? 1 : 2);
                if (mode.equals("share")) {
                    await().atMost(PATIENCE).until(() -> counter(meters, "jobwire.share.records.acknowledged", "ack",
                            "accept") == 1);
                    // The dashboard's queue-mode panels query names a share worker really exports.
                    String scrape = ((PrometheusMeterRegistry) meters).scrape();
                    assertThat(dashboardMetrics("jobwire_share_")).isNotEmpty()
                            .allSatisfy(name -> assertThat(scrape).as("scraped").contains("\n" + name));
                }
            } finally {
                worker.close();
            }
        }
        ConsumerRecord<byte[], byte[]> fromShare = letters.get(0);
        ConsumerRecord<byte[], byte[]> fromGroup = letters.get(1);
        assertThat(keys(fromShare)).isEqualTo(keys(fromGroup));
        DeadLetter share = DeadLetter.readFrom(fromShare.headers());
        DeadLetter group = DeadLetter.readFrom(fromGroup.headers());
        assertThat(share.worker()).isEqualTo("it-dlt-share");
        assertThat(group.worker()).isEqualTo("it-dlt-group");
        assertThat(share.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED).isEqualTo(group.reason());
        assertThat(share.attempts()).isEqualTo(3).isEqualTo(group.attempts());
        assertThat(share.failures()).hasSize(3);
        assertThat(share.exceptionClass()).isEqualTo(group.exceptionClass());
        assertThat(share.originalTopic()).isEqualTo(topic).isEqualTo(group.originalTopic());
        assertThat(share.originalPartition()).isEqualTo(group.originalPartition());
        assertThat(share.originalOffset()).isEqualTo(group.originalOffset());
        assertThat(share.originalTimestamp()).isEqualTo(group.originalTimestamp());
        assertThat(fromShare.key()).isEqualTo(fromGroup.key());
        assertThat(fromShare.value()).isEqualTo(fromGroup.value());
        // Every header but those naming the worker, a time, or a stack (thread frames) has the same value.
        Set<String> differ = Set.of(DeadLetterHeaders.WORKER, DeadLetterHeaders.DEAD_LETTERED_AT, DeadLetterHeaders.STACK_TRACE,
                DeadLetterHeaders.ATTEMPT);
        for (Header header : fromGroup.headers()) {
            if (!differ.contains(header.key())) {
                assertThat(fromShare.headers().lastHeader(header.key()).value()).as(header.key()).isEqualTo(header.value());
            }
        }
    }

    /** The metric names starting with {@code prefix} that the Grafana dashboard queries. */
    private static Set<String> dashboardMetrics(String prefix) throws Exception {
        String dashboard = Files.readString(Path.of("..", "docker", "grafana", "dashboards", "jobwire.json"));
        Set<String> names = new TreeSet<>();
        Matcher matcher = Pattern.compile(Pattern.quote(prefix) + "[a-z_]+").matcher(dashboard);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    private static List<String> keys(ConsumerRecord<byte[], byte[]> record) {
        List<String> keys = new ArrayList<>();
        for (Header header : record.headers()) {
            keys.add(header.key());
        }
        return keys;
    }
}
