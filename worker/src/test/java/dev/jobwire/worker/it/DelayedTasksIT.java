package dev.jobwire.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.RetryHeaders;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TopicNames;
import dev.jobwire.worker.Worker;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.handler.TaskHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Delayed tasks and retries after long backoffs, through the delay topic's tiers on the real
 * broker: never started before their time, holding no slot while they wait, surviving a SIGKILL.
 * How late they start is printed, not asserted (CI judges no timing; load-scripts/delayed measures it).
 */
@ExtendWith(RealKafkaExtension.class)
class DelayedTasksIT {
    private static final Duration PATIENCE = Duration.ofSeconds(150);

    /** Worker settings with topics created by the worker itself: task topic, dead-letter topic, delay topic. */
    private static Map<String, String> env(TestKafka kafka, String topic, String group) {
        Map<String, String> env = Workers.env(kafka, topic, group);
        env.put("JOBWIRE_CREATE_TOPICS", "true");
        env.put("JOBWIRE_TOPIC_PARTITIONS", "3");
        return env;
    }

    @Test
    void delayedTasksNeverStartBeforeTheirTime(TestKafka kafka) throws Exception {
        String topic = "delays-" + kafka.uniqueGroupId("t");
        Map<String, Instant> started = new ConcurrentHashMap<>();
        TaskHandler recordStart = (task, context) -> started.putIfAbsent(task.id(), Instant.now());
        Worker worker = Workers.start(env(kafka, topic, kafka.uniqueGroupId("delays")), new HandlerRegistry().register("record", recordStart));
        Map<String, Instant> due = new HashMap<>();
        try {
            await().atMost(PATIENCE).until(() -> worker.notReadyReasons().isEmpty());
            try (TestTasks tasks = new TestTasks(kafka, topic)) {
                for (Duration delay : List.of(Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofSeconds(7),
                        Duration.ofSeconds(45))) {
                    var published = tasks.publishDelayed("record", "{}", delay);
                    due.put(published.getKey(), published.getValue());
                }
                tasks.flush();
            }
            await().atMost(PATIENCE).until(() -> started.keySet().containsAll(due.keySet()));
        } finally {
            worker.close();
        }
        due.forEach((id, at) -> {
            Instant start = started.get(id);
            System.out.printf("delayed task due %s started %s: %d ms late%n", at, start, Duration.between(at, start).toMillis());
            assertThat(start).as("task %s due at %s", id, at).isAfterOrEqualTo(at);
        });
    }

    @Test
    void aRetryAfterALongBackoffHoldsNoSlotAndItsDeadLetterListsEveryAttempt(TestKafka kafka) throws Exception {
        String topic = "backoff-" + kafka.uniqueGroupId("t");
        Map<String, String> env = env(kafka, topic, kafka.uniqueGroupId("backoff"));
        env.put("JOBWIRE_MAX_IN_FLIGHT", "1");
        env.put("JOBWIRE_CPU_QUEUE", "0");
        env.put("JOBWIRE_RETRY_HANDOFF", "1s");
        env.put("JOBWIRE_TYPE_POLICIES",
                "fail.always:max-attempts=3,backoff-initial=20s,backoff-max=20s,jitter=0,breaker-failure-rate=0");
        List<Instant> otherRan = new CopyOnWriteArrayList<>();
        HandlerRegistry handlers = HandlerRegistry.discover().register("other", (task, context) -> otherRan.add(Instant.now()));
        Worker worker = Workers.start(env, handlers);
        String failing;
        try {
            await().atMost(PATIENCE).until(() -> worker.notReadyReasons().isEmpty());
            try (TestTasks tasks = new TestTasks(kafka, topic)) {
                failing = tasks.publish("fail.always", "{\"message\":\"the bank is closed\"}");
                tasks.flush();
                // Its first attempt failed and it left for the delay topic: the only slot is free again.
                await().atMost(PATIENCE).until(() -> kafka.read(TopicNames.delayTopicFor(topic), 1, Duration.ofMillis(200)).size() == 1);
                tasks.publish("other", "{}");
                tasks.flush();
            }
            await().atMost(PATIENCE).until(() -> otherRan.size() == 1);
            assertThat(kafka.read(TopicNames.deadLetterTopicFor(topic), 1, Duration.ofMillis(200)))
                    .as("the other task ran while the failing one waited out its backoff").isEmpty();

            List<ConsumerRecord<byte[], byte[]>> dead =
                    Workers.awaitRecords(kafka, TopicNames.deadLetterTopicFor(topic), 1, PATIENCE);
            ConsumerRecord<byte[], byte[]> letter = dead.getFirst();
            DeadLetter deadLetter = DeadLetter.readFrom(letter.headers());
            assertThat(HeaderValues.last(letter.headers(), TaskHeaders.TASK_ID)).isEqualTo(failing);
            assertThat(deadLetter.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
            assertThat(deadLetter.attempts()).isEqualTo(3);
            assertThat(deadLetter.failures()).extracting(AttemptFailure::attempt).containsExactly(1, 2, 3);
            assertThat(deadLetter.failures()).extracting(AttemptFailure::message).containsOnly("the bank is closed");
            assertThat(deadLetter.originalTopic()).isEqualTo(topic);
            assertThat(letter.headers().headers(RetryHeaders.ATTEMPTS)).as("no retry bookkeeping in the dead letter").isEmpty();
            // Between attempts it waited in Kafka: two retries, so at least two trips through the delay topic.
            assertThat(kafka.read(TopicNames.delayTopicFor(topic), 2, Duration.ofMillis(500))).hasSizeGreaterThanOrEqualTo(2);
            assertThat(worker.maxInFlightSeen()).isEqualTo(1);
        } finally {
            worker.close();
        }
    }

    /**
     * With per-key order a retry stays in place, however long its backoff: it keeps its key, so the
     * next task of that key waits for it instead of overtaking it. (Its I/O slot is freed while it waits.)
     */
    @Test
    void withKeyOrderALongRetryStaysInPlaceAndTheNextTaskOfItsKeyWaits(TestKafka kafka) throws Exception {
        String topic = "keyed-" + kafka.uniqueGroupId("t");
        Map<String, String> env = env(kafka, topic, kafka.uniqueGroupId("keyed"));
        env.put("JOBWIRE_ORDERING", "key");
        env.put("JOBWIRE_RETRY_HANDOFF", "1s");
        env.put("JOBWIRE_TYPE_POLICIES", "flaky:max-attempts=2,backoff-initial=3s,backoff-max=3s,jitter=0,breaker-failure-rate=0");
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger flakyAttempts = new AtomicInteger();
        HandlerRegistry handlers = new HandlerRegistry()
                .register("flaky", (task, context) -> {
                    if (flakyAttempts.incrementAndGet() == 1) {
                        order.add("flaky failed");
                        throw new java.io.IOException("not yet");
                    }
                    order.add("flaky succeeded");
                })
                .register("next", (task, context) -> order.add("next ran"))
                .register("other", (task, context) -> order.add("other key ran"));
        Worker worker = Workers.start(env, handlers);
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            await().atMost(PATIENCE).until(() -> worker.notReadyReasons().isEmpty());
            tasks.publish("flaky", "{}", "customer-7");
            tasks.publish("next", "{}", "customer-7");
            tasks.publish("other", "{}", "customer-8");
            tasks.flush();
            await().atMost(PATIENCE).until(() -> order.size() == 4);
        } finally {
            worker.close();
        }
        assertThat(order).containsSubsequence("flaky failed", "flaky succeeded", "next ran");
        assertThat(order.indexOf("other key ran")).as("another key does not wait").isLessThan(order.indexOf("flaky succeeded"));
        assertThat(kafka.read(TopicNames.delayTopicFor(topic), 1, Duration.ofSeconds(1))).as("it never left its partition").isEmpty();
    }

    @Test
    void tasksWaitingInTheDelayTopicSurviveASigkill(TestKafka kafka) throws Exception {
        Map<String, Instant> calledAt = new ConcurrentHashMap<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/record", exchange -> {
            calls.incrementAndGet();
            calledAt.putIfAbsent(exchange.getRequestURI().getQuery().substring("id=".length()), Instant.now());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        String topic = "killed-" + kafka.uniqueGroupId("t");
        String group = kafka.uniqueGroupId("killed");
        Map<String, Instant> due = new HashMap<>();
        try {
            Process first = startWorker(kafka, topic, group, "first");
            await().atMost(PATIENCE).until(() -> kafka.topicReady(TopicNames.delayTopicFor(topic)));
            try (TestTasks tasks = new TestTasks(kafka, topic)) {
                for (int i = 0; i < 1000; i++) {
                    var published = tasks.publishDelayed("http.call", "{\"url\":\"http://127.0.0.1:" + server.getAddress().getPort()
                            + "/record?id=" + i + "\",\"timeoutMs\":5000}", Duration.ofSeconds(30));
                    due.put(Integer.toString(i), published.getValue());
                }
                tasks.flush();
            }
            Thread.sleep(8_000); // the mover has them paused in a tier, waiting
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(calls.get()).as("nothing ran before its time").isZero();

            Process second = startWorker(kafka, topic, group, "second");
            await().atMost(PATIENCE).until(() -> calledAt.size() == 1000);
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            long late = due.entrySet().stream().mapToLong(e -> Duration.between(e.getValue(), calledAt.get(e.getKey())).toMillis())
                    .max().orElseThrow();
            System.out.printf("killed while 1000 tasks waited 30 s: all 1000 ran after a restart, %d calls in all"
                    + " (%d duplicates), the latest %d ms after it was due%n", calls.get(), calls.get() - 1000, late);
            due.forEach((id, at) -> assertThat(calledAt.get(id)).as("task %s", id).isAfterOrEqualTo(at));
        } finally {
            server.stop(0);
        }
    }

    private static Process startWorker(TestKafka kafka, String topic, String group, String name) throws Exception {
        Map<String, String> env = env(kafka, topic, group);
        env.put("JOBWIRE_INSTANCE_ID", name);
        env.put("JOBWIRE_HTTP_PORT", "0");
        env.put("JOBWIRE_MAX_IN_FLIGHT", "64");
        return Workers.startProcess("delayed-worker-" + name, env);
    }
}
