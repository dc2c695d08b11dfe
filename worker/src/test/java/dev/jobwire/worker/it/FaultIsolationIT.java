package dev.jobwire.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterHeaders;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.wire.TopicNames;
import dev.jobwire.worker.Worker;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.handler.NonRetryableException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One bad task, one failing side path or a broker outage never stops the rest of the work, and
 * readiness says when the worker cannot make progress (issue 12). Against the real broker; the
 * start-up tests run a broker of their own in a child process, so they can start and stop it.
 */
@ExtendWith(RealKafkaExtension.class)
class FaultIsolationIT {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int NEAR_LIMIT = 1_048_000;

    private static RecordHeaders task(String type) {
        RecordHeaders headers = new RecordHeaders();
        TaskMetadata.create(type, null, null, null).writeTo(headers);
        return headers;
    }

    @Test
    void failingTasksNearTheSizeLimitAreDeadLetteredAndTheRestKeepsFlowing(TestKafka kafka) throws Exception {
        String topic = "big-" + kafka.uniqueGroupId("t");
        Map<String, String> env = Workers.env(kafka, topic, kafka.uniqueGroupId("big"));
        env.put("JOBWIRE_CREATE_TOPICS", "true"); // the dead-letter topic is sized above its task topic
        env.put("JOBWIRE_TOPIC_PARTITIONS", "2");
        env.put("JOBWIRE_MAX_IN_FLIGHT", "2");
        AtomicInteger small = new AtomicInteger();
        HandlerRegistry handlers = new HandlerRegistry()
                .register("big.fails", (task, context) -> {
                    throw new NonRetryableException("refused a " + task.payload().length + "-byte document");
                })
                .register("small", (task, context) -> small.incrementAndGet());
        Worker worker = Workers.start(env, handlers);
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            await().atMost(PATIENCE).until(() -> worker.notReadyReasons().isEmpty());
            byte[] big = new byte[NEAR_LIMIT];
            java.util.Arrays.fill(big, (byte) 'x');
            for (int i = 0; i < 2; i++) {
                tasks.send(new ProducerRecord<>(topic, 0, (byte[]) null, big, task("big.fails")));
            }
            for (int i = 0; i < 20; i++) {
                tasks.send(new ProducerRecord<>(topic, 1, (byte[]) null, "{}".getBytes(StandardCharsets.UTF_8), task("small")));
            }
            tasks.flush();
            await().atMost(PATIENCE).until(() -> small.get() == 20);
            List<ConsumerRecord<byte[], byte[]>> dead =
                    Workers.awaitRecords(kafka, TopicNames.deadLetterTopicFor(topic), 2, PATIENCE);
            for (ConsumerRecord<byte[], byte[]> letter : dead) {
                assertThat(letter.value()).as("the original value, whole").hasSize(NEAR_LIMIT);
                assertThat(DeadLetter.readFrom(letter.headers()).reason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
                assertThat(letter.headers().lastHeader(DeadLetterHeaders.VALUE_OMITTED)).isNull();
            }
            await().atMost(PATIENCE).until(() -> Workers.uncommitted(kafka, groupOf(env), topic, 2) == 0);
        } finally {
            worker.close();
        }
    }

    @Test
    void aTaskUnfinishedLongerThanTheReadinessBoundMakesTheWorkerNotReadyUntilItEnds(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("hung", 1);
        Map<String, String> env = Workers.env(kafka, topic, kafka.uniqueGroupId("hung"));
        env.put("JOBWIRE_READY_MAX_TASK_AGE", "2s");
        env.put("JOBWIRE_ATTEMPT_TIMEOUT", "4m"); // however slow the machine, the hanging attempt is never cut short
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        HandlerRegistry handlers = new HandlerRegistry().register("hangs", (task, context) -> {
            release.await(); // a handler that hangs until the test lets it go
            finished.incrementAndGet();
        });
        Worker worker = Workers.start(env, handlers);
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            await().atMost(PATIENCE).until(() -> worker.notReadyReasons().isEmpty());
            tasks.send(new ProducerRecord<>(topic, 0, (byte[]) null, "{}".getBytes(StandardCharsets.UTF_8), task("hangs")));
            tasks.flush();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(worker.notReadyReasons())
                    .anySatisfy(reason -> assertThat(reason).contains("the oldest unfinished task").contains("JOBWIRE_READY_MAX_TASK_AGE")));
            release.countDown();
            await().atMost(PATIENCE).until(() -> worker.notReadyReasons().isEmpty());
            assertThat(finished).hasValue(1);
            await().atMost(PATIENCE).until(() -> Workers.uncommitted(kafka, groupOf(env), topic, 1) == 0);
        } finally {
            release.countDown();
            worker.close();
        }
    }

    @Test
    void aDeadLetterThatCanNeverFitItsTopicIsWrittenWithoutItsValueAndSaysSo(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("tight", 1);
        // Created elsewhere, smaller than its task topic: the worker leaves existing topics as they are.
        kafka.createTopic(TopicNames.deadLetterTopicFor(topic), 1, Map.of("max.message.bytes", "20000"));
        Map<String, String> env = Workers.env(kafka, topic, kafka.uniqueGroupId("tight"));
        HandlerRegistry handlers = new HandlerRegistry().register("big.fails", (task, context) -> {
            throw new NonRetryableException("refused");
        });
        Worker worker = Workers.start(env, handlers);
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            byte[] value = new byte[100_000];
            RecordHeaders headers = task("big.fails");
            headers.add("app.origin", "checkout".getBytes(StandardCharsets.UTF_8));
            tasks.send(new ProducerRecord<>(topic, 0, "k".getBytes(StandardCharsets.UTF_8), value, headers));
            tasks.flush();
            List<ConsumerRecord<byte[], byte[]>> dead =
                    Workers.awaitRecords(kafka, TopicNames.deadLetterTopicFor(topic), 1, PATIENCE);
            ConsumerRecord<byte[], byte[]> letter = dead.getFirst();
            assertThat(letter.value()).isEmpty();
            assertThat(HeaderValues.last(letter.headers(), DeadLetterHeaders.VALUE_OMITTED)).isEqualTo("100000");
            assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("k");
            assertThat(HeaderValues.last(letter.headers(), "app.origin")).isEqualTo("checkout");
            assertThat(DeadLetter.readFrom(letter.headers()).reason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
            await().atMost(PATIENCE).until(() -> Workers.uncommitted(kafka, groupOf(env), topic, 1) == 0);
        } finally {
            worker.close();
        }
    }

    @Test
    void anUnwritableDeadLetterTopicHoldsOnlyItsOwnPartitionAndReadinessSaysWhy(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("outage", 4);
        String deadLetters = TopicNames.deadLetterTopicFor(topic);
        kafka.createTopic(deadLetters, 1, Map.of());
        Map<String, String> env = Workers.env(kafka, topic, kafka.uniqueGroupId("outage"));
        env.put("JOBWIRE_MAX_IN_FLIGHT", "4");
        List<String> completed = new CopyOnWriteArrayList<>();
        HandlerRegistry handlers = new HandlerRegistry()
                .register("doomed", (task, context) -> {
                    throw new NonRetryableException("cannot ever work");
                })
                .register("fine", (task, context) -> completed.add(task.id()));
        Worker worker = Workers.start(env, handlers);
        Set<String> doomedIds = new HashSet<>();
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            await().atMost(PATIENCE).until(() -> worker.notReadyReasons().isEmpty());
            try (var admin = kafka.admin()) {
                admin.deleteTopics(List.of(deadLetters)).all().get(30, TimeUnit.SECONDS);
            }
            await().atMost(PATIENCE).until(() -> !kafka.topicExists(deadLetters));
            for (int i = 0; i < 10; i++) {
                RecordHeaders headers = task("doomed");
                doomedIds.add(HeaderValues.last(headers, TaskHeaders.TASK_ID));
                tasks.send(new ProducerRecord<>(topic, 0, (byte[]) null, "{}".getBytes(StandardCharsets.UTF_8), headers));
            }
            tasks.flush();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(worker.notReadyReasons())
                    .anySatisfy(reason -> assertThat(reason).contains("write(s) pending, failing")));
            // The outage lasts a minute; tasks of the other partitions keep completing all along.
            long outageEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int published = 0;
            while (System.nanoTime() < outageEnds) {
                for (int partition = 1; partition < 4; partition++) {
                    tasks.send(new ProducerRecord<>(topic, partition, (byte[]) null, "{}".getBytes(StandardCharsets.UTF_8), task("fine")));
                    published++;
                }
                tasks.flush();
                int target = published;
                await().atMost(PATIENCE).until(() -> completed.size() == target);
                Thread.sleep(2_000);
            }
            System.out.printf("dead-letter topic gone for 60 s: %d tasks of the other partitions completed meanwhile%n",
                    completed.size());
            assertThat(worker.notReadyReasons()).anySatisfy(reason -> assertThat(reason).contains("write(s) pending"));

            kafka.createTopic(deadLetters, 1, Map.of());
            await().atMost(PATIENCE).until(() -> worker.notReadyReasons().isEmpty());
            List<ConsumerRecord<byte[], byte[]>> dead = Workers.awaitRecords(kafka, deadLetters, 10, PATIENCE);
            List<String> written = dead.stream().map(r -> HeaderValues.last(r.headers(), TaskHeaders.TASK_ID)).toList();
            assertThat(written).as("every dead letter written exactly once").containsExactlyInAnyOrderElementsOf(doomedIds);
            await().atMost(PATIENCE).until(() -> Workers.uncommitted(kafka, groupOf(env), topic, 4) == 0);
        } finally {
            worker.close();
        }
    }

    @Test
    void aWorkerStartedBeforeItsBrokerWaitsReportsNotReadyAndStopsPromptlyOnSigterm(TestKafka kafka) throws Exception {
        int brokerPort = freePort();
        Path data = Files.createTempDirectory("jobwire-late-broker");
        String topic = "late-tasks";
        HttpClient http = HttpClient.newHttpClient();

        // A SIGTERM while it waits for the broker: a prompt, clean exit. Signalled once its health
        // endpoint answers, so that it is surely waiting: a JVM signalled before its main method has
        // run exits 143, whatever the worker does (sixteen CPU burners delayed start-up past 3 s once).
        int impatientOps = freePort();
        Process impatient = startWorker(brokerPort, topic, impatientOps, "impatient");
        await().atMost(PATIENCE).until(() -> ready(http, impatientOps) != null);
        long signalled = System.nanoTime();
        impatient.destroy();
        assertThat(impatient.waitFor(30, TimeUnit.SECONDS)).isTrue();
        System.out.printf("SIGTERM while waiting for the broker: exit %d after %d ms%n", impatient.exitValue(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled));
        assertThat(impatient.exitValue()).isZero();

        // Started 20 s before its broker: not ready meanwhile, saying why; then it works.
        int opsPort = freePort();
        Process worker = startWorker(brokerPort, topic, opsPort, "patient");
        Process broker = null;
        try {
            await().atMost(PATIENCE).until(() -> ready(http, opsPort) != null);
            Thread.sleep(20_000);
            HttpResponse<String> waiting = ready(http, opsPort);
            assertThat(waiting.statusCode()).isEqualTo(503);
            assertThat(waiting.body()).contains("waiting for Kafka at 127.0.0.1:" + brokerPort);
            assertThat(worker.isAlive()).as("no crash loop: it waits").isTrue();

            broker = startBroker(data, brokerPort);
            await().atMost(PATIENCE).until(() -> {
                HttpResponse<String> answer = ready(http, opsPort);
                return answer != null && answer.statusCode() == 200;
            });
            String bootstrap = "127.0.0.1:" + brokerPort;
            try (TestTasks tasks = new TestTasks(bootstrap, topic)) {
                for (int i = 0; i < 5; i++) {
                    tasks.publish("noop", "{}");
                }
                tasks.flush();
            }
            await().atMost(PATIENCE).until(() -> Workers.uncommitted(bootstrap, "late-group", topic, 2) == 0);

            // The broker goes away under a running worker: not ready, with the reason; back, ready again.
            broker.destroy();
            assertThat(broker.waitFor(60, TimeUnit.SECONDS)).isTrue();
            await().atMost(PATIENCE).until(() -> {
                HttpResponse<String> answer = ready(http, opsPort);
                return answer != null && answer.statusCode() == 503 && answer.body().contains("has not answered");
            });
            broker = startBroker(data, brokerPort);
            await().atMost(PATIENCE).until(() -> {
                HttpResponse<String> answer = ready(http, opsPort);
                return answer != null && answer.statusCode() == 200;
            });
        } finally {
            worker.destroy();
            worker.waitFor(60, TimeUnit.SECONDS);
            if (broker != null) {
                broker.destroy();
                broker.waitFor(60, TimeUnit.SECONDS);
            }
        }
        assertThat(worker.exitValue()).isZero();
    }

    private static String groupOf(Map<String, String> env) {
        return env.get("JOBWIRE_GROUP_ID");
    }

    private static HttpResponse<String> ready(HttpClient http, int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null; // not listening yet
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Process startWorker(int brokerPort, String topic, int opsPort, String name) throws Exception {
        return Workers.startProcess("fault-worker-" + name, Map.of(
                "JOBWIRE_BOOTSTRAP_SERVERS", "127.0.0.1:" + brokerPort,
                "JOBWIRE_TOPICS", topic,
                "JOBWIRE_GROUP_ID", "late-group",
                "JOBWIRE_TOPIC_PARTITIONS", "2",
                "JOBWIRE_INSTANCE_ID", name,
                "JOBWIRE_HTTP_HOST", "127.0.0.1",
                "JOBWIRE_HTTP_PORT", Integer.toString(opsPort)));
    }

    private static Process startBroker(Path data, int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = data.resolveSibling(data.getFileName() + "-broker.log");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.jobwire.broker.LocalBrokerMain", "--data-dir", data.toString(), "--port", Integer.toString(port));
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }
}
