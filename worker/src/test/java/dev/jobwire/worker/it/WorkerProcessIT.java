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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker as a real process: killed with SIGKILL mid-load and restarted, no task is left
 * unexecuted; stopped with SIGTERM, it commits everything and exits 0. Tasks are real HTTP calls
 * ({@code http.call}) to a recording server in this JVM, which sees every execution.
 */
@ExtendWith(RealKafkaExtension.class)
class WorkerProcessIT {
    private static final int TASKS = 3000;

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
    void aKilledWorkerLosesNoTaskAndAGracefulStopCommitsAndExitsZero(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("crash", 6);
        kafka.createTopic(TopicNames.deadLetterTopicFor(topic), 1, Map.of());
        String group = kafka.uniqueGroupId("crash");
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            for (int i = 0; i < TASKS; i++) {
                tasks.publish("http.call", "{\"url\":\"http://127.0.0.1:" + server.getAddress().getPort()
                        + "/record?id=" + i + "\",\"timeoutMs\":5000}");
            }
            tasks.flush();
        }

        Process first = startWorker(kafka, topic, group, "first");
        await().atMost(Duration.ofSeconds(90)).until(() -> calls.size() >= 600);
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no commit
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int executedBeforeKill = calls.size();
        assertThat(executedBeforeKill).isLessThan(TASKS);

        Process second = startWorker(kafka, topic, group, "second");
        await().atMost(Duration.ofSeconds(120)).until(() -> calls.size() == TASKS);
        int duplicates = calls.values().stream().mapToInt(c -> c.get() - 1).sum();
        System.out.printf("SIGKILL mid-load: %d of %d tasks executed before the kill, all %d executed after the restart,"
                + " %d duplicate executions (work in flight or finished but not yet committed at the kill)%n",
                executedBeforeKill, TASKS, TASKS, duplicates);

        second.destroy(); // SIGTERM: graceful stop
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();
        assertThat(Workers.uncommitted(kafka, group, topic, 6)).isZero();
        assertThat(kafka.read(TopicNames.deadLetterTopicFor(topic), 1, Duration.ofSeconds(1))).isEmpty();
    }

    private static Process startWorker(TestKafka kafka, String topic, String group, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Path.of("target", "worker-process-" + name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.jobwire.worker.WorkerMain");
        builder.environment().putAll(Workers.env(kafka, topic, group));
        builder.environment().put("JOBWIRE_INSTANCE_ID", name);
        builder.environment().put("JOBWIRE_HTTP_PORT", "0");
        builder.environment().put("JOBWIRE_MAX_IN_FLIGHT", "32");
        builder.environment().put("JOBWIRE_COMMIT_INTERVAL", "500ms");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        System.out.println("started worker process " + name + " (pid " + process.pid() + "), log in " + log.toAbsolutePath());
        return process;
    }
}
