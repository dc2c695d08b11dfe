package dev.jobwire.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.TopicNames;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Share-mode workers as real processes: one of two is killed with SIGKILL mid-load; the other runs
 * everything, including what the dead one held once its locks expire, so no task is lost and the
 * duplicates are at most what the dead one had acquired at once (its max in flight). Tasks are real
 * HTTP calls ({@code http.call}) to a recording server in this JVM, which sees every execution.
 */
@ExtendWith(RealKafkaExtension.class)
class ShareWorkerProcessIT {
    private static final int TASKS = 2000;
    private static final int MAX_IN_FLIGHT = 16;

    private HttpServer server;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @BeforeEach
    void startRecordingServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/record", exchange -> {
            String id = exchange.getRequestURI().getQuery().substring("id=".length());
            try {
                Thread.sleep(5); // a little latency, so work is in flight when the kill comes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void aKilledShareWorkerLosesNoTaskAndItsDuplicatesAreBoundedByWhatItHeld(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-crash", 2);
        kafka.createTopic(TopicNames.deadLetterTopicFor(topic), 1, Map.of());
        String group = kafka.uniqueGroupId("share-crash");
        // The shortest lock the broker allows, so the dead worker's records come back sooner.
        try (Admin admin = kafka.admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("share.record.lock.duration.ms", "15000"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            for (int i = 0; i < TASKS; i++) {
                tasks.publish("http.call", "{\"url\":\"http://127.0.0.1:" + server.getAddress().getPort()
                        + "/record?id=" + i + "\",\"timeoutMs\":5000}");
            }
            tasks.flush();
        }

        Process victim = startWorker(kafka, topic, group, "victim");
        Process survivor = startWorker(kafka, topic, group, "survivor");
        await().atMost(Duration.ofSeconds(120)).until(() -> calls.size() >= TASKS / 4);
        victim.destroyForcibly(); // SIGKILL: no shutdown hook, nothing acknowledged or released
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int executedBeforeKill = calls.size();
        assertThat(executedBeforeKill).isLessThan(TASKS);

        await().atMost(Duration.ofSeconds(180)).until(() -> calls.size() == TASKS);
        int duplicates = calls.values().stream().mapToInt(c -> c.get() - 1).sum();
        System.out.printf("share mode, SIGKILL of one of two workers: %d of %d tasks executed before the kill, all %d after,"
                + " %d duplicate executions (at most %d: what the killed worker held)%n", executedBeforeKill, TASKS, TASKS,
                duplicates, MAX_IN_FLIGHT);
        assertThat(duplicates).isLessThanOrEqualTo(MAX_IN_FLIGHT);

        survivor.destroy(); // SIGTERM: graceful stop
        assertThat(survivor.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(survivor.exitValue()).isZero();
        assertThat(calls.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(TASKS + duplicates);
        assertThat(kafka.read(TopicNames.deadLetterTopicFor(topic), 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void perKeyOrderingIsRefusedInShareModeAtStartUp(TestKafka kafka) throws Exception {
        ProcessBuilder builder = worker(kafka, "no-topic", kafka.uniqueGroupId("refused"), "refused");
        builder.environment().put("JOBWIRE_ORDERING", "key");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        String log = Files.readString(Path.of("target", "share-worker-process-refused.log"));
        assertThat(log).contains("JOBWIRE_ORDERING=key").contains("JOBWIRE_CONSUMER_MODE=share");
    }

    private static Process startWorker(TestKafka kafka, String topic, String group, String name) throws Exception {
        Process process = worker(kafka, topic, group, name).start();
        System.out.println("started share worker process " + name + " (pid " + process.pid() + ")");
        return process;
    }

    private static ProcessBuilder worker(TestKafka kafka, String topic, String group, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Path.of("target", "share-worker-process-" + name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.jobwire.worker.WorkerMain");
        builder.environment().putAll(Workers.env(kafka, topic, group));
        builder.environment().put("JOBWIRE_CONSUMER_MODE", "share");
        builder.environment().put("JOBWIRE_INSTANCE_ID", name);
        builder.environment().put("JOBWIRE_HTTP_PORT", "0");
        builder.environment().put("JOBWIRE_MAX_IN_FLIGHT", Integer.toString(MAX_IN_FLIGHT));
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder;
    }
}
