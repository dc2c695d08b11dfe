package dev.jobwire.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.viewer.ViewerTestSupport.Planted;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The viewer in its own JVM with a small heap (96 MB) over 12,000 dead letters of 10 kB (120 MB of
 * payloads): the index stays within its byte budget and the viewer becomes ready, lists, groups and
 * keeps following; a budget the heap cannot hold is refused at start-up; and when the reader does
 * die of {@link OutOfMemoryError} (a 40 MB dead letter), the viewer is not ready and says why.
 */
@ExtendWith(RealKafkaExtension.class)
class ViewerMemoryIT {
    private static final int COUNT = 12_000;
    private static final String HEAP = "-Xmx96m";
    private static String taskTopic;
    private static String dltTopic;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void plantLargeDeadLetters(TestKafka kafka) throws Exception {
        taskTopic = "big-" + UUID.randomUUID().toString().substring(0, 8);
        dltTopic = taskTopic + ".dlt";
        kafka.createTopic(taskTopic, 1, Map.of());
        kafka.createTopic(dltTopic, 2, Map.of());
        String blob = "x".repeat(10_000);
        try (KafkaProducer<byte[], byte[]> producer = ViewerTestSupport.producer(kafka)) {
            for (int i = 0; i < COUNT; i++) {
                String value = "{\"customer\":\"c-" + i + "\",\"blob\":\"" + blob + "\"}";
                ViewerTestSupport.plantAsync(producer, Planted.of(dltTopic, taskTopic, "report.render", "c-" + i,
                        "render of report " + i + " timed out").withValue(value));
            }
            producer.flush();
        }
    }

    @AfterEach
    void stopViewers() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private int startViewer(TestKafka kafka, Map<String, String> env) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, HEAP, "-cp", System.getProperty("java.class.path"),
                ViewerServer.class.getName());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        pb.environment().putAll(Map.of(
                "JOBWIRE_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "JOBWIRE_HTTP_PORT", Integer.toString(port),
                "JOBWIRE_VIEWER_TOPICS", dltTopic,
                "JOBWIRE_VIEWER_TOKEN", ViewerTestSupport.TOKEN,
                "JOBWIRE_VIEWER_AUDIT_TOPIC", "audit-" + suffix,
                "JOBWIRE_VIEWER_MARKS_TOPIC", "marks-" + suffix));
        pb.environment().putAll(env);
        Path log = Files.createTempFile("viewer-memory-it", ".log");
        logs.add(log);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        processes.add(pb.start());
        return port;
    }

    /** The last 40 lines of the last viewer's log. */
    private String logTail() throws IOException {
        List<String> lines = Files.readAllLines(logs.get(logs.size() - 1));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(port, path);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void withASmallHeapTheIndexStaysWithinItsBudgetAndTheViewerKeepsWorking(TestKafka kafka) throws Exception {
        // 16,384 search characters per dead letter, as the viewer kept before it had a byte budget:
        // 12,000 of them need about 130 MB, more than the heap. The budget (40 % of it) keeps what fits.
        int port = startViewer(kafka, Map.of("JOBWIRE_VIEWER_SEARCH_CHARS", "16384"));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> get(port, "/health/ready").statusCode() == 200);

        JsonNode coverage = json(port, "/api/index");
        assertThat(coverage.path("bytes").asLong()).isLessThanOrEqualTo(coverage.path("budgetBytes").asLong());
        assertThat(coverage.path("budgetBytes").asLong()).isLessThan(96L << 20);
        int indexed = coverage.path("entries").asInt();
        assertThat(indexed).isBetween(1_000, COUNT - 1);
        // What did not fit is named, not hidden: per partition, the offsets not indexed.
        long notIndexed = 0;
        for (JsonNode gap : coverage.path("notIndexed")) {
            assertThat(gap.path("topic").asText()).isEqualTo(dltTopic);
            notIndexed += gap.path("records").asLong();
        }
        assertThat(notIndexed).isEqualTo(COUNT - indexed);
        assertThat(json(port, "/api/version").path("notIndexed").asLong()).isEqualTo(notIndexed);

        assertThat(json(port, "/api/groups?status=all").path("total").asInt()).isEqualTo(indexed);
        assertThat(json(port, "/api/dead-letters?q=c-" + (COUNT - 1) + "%22&status=all").path("total").asInt()).isEqualTo(1);
        // The oldest one, not indexed, still opens by reference (read from Kafka).
        JsonNode oldest = json(port, "/api/dead-letters/" + dltTopic + "/0/0");
        assertThat(oldest.path("indexed").asBoolean()).isFalse();
        assertThat(oldest.path("value").path("size").asInt()).isGreaterThan(10_000);

        // Still following: a new dead letter shows up.
        try (KafkaProducer<byte[], byte[]> producer = ViewerTestSupport.producer(kafka)) {
            ViewerTestSupport.plant(producer, Planted.of(dltTopic, taskTopic, "report.render", "newest-one", "late"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> json(port, "/api/dead-letters?q=newest-one&status=all")
                .path("total").asInt() == 1);
        assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aBudgetTheHeapCannotHoldIsRefusedAtStartUp(TestKafka kafka) throws Exception {
        startViewer(kafka, Map.of("JOBWIRE_VIEWER_INDEX_MEMORY", "1g"));
        Process viewer = processes.get(processes.size() - 1);
        assertThat(viewer.waitFor(2, TimeUnit.MINUTES)).as("the viewer exits").isTrue();
        assertThat(viewer.exitValue()).isEqualTo(2);
        assertThat(logTail()).contains("JOBWIRE_VIEWER_INDEX_MEMORY=1024 MB is more than 60 % of the heap (96 MB)");
    }

    @Test
    void aReaderKilledByOutOfMemoryMakesTheViewerNotReadyAndSaysWhy(TestKafka kafka) throws Exception {
        // 200 ordinary dead letters, indexed; then one of 40 MB. Fetching it takes two copies of it,
        // more than the 96 MB heap has free, so the reader thread itself runs out of memory, and only it.
        String topic = "huge-" + UUID.randomUUID().toString().substring(0, 8) + ".dlt";
        kafka.createTopic(topic, 1, Map.of("max.message.bytes", Integer.toString(48 << 20)));
        long started;
        int port;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 48 << 20,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 200; i++) {
                ViewerTestSupport.plant(producer, Planted.of(topic, taskTopic, "report.render", "small-" + i, "timed out " + i));
            }
            port = startViewer(kafka, Map.of("JOBWIRE_VIEWER_TOPICS", topic));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> get(port, "/health/ready").statusCode() == 200);
            assertThat(json(port, "/api/index").path("entries").asInt()).isEqualTo(200);
            started = System.nanoTime();
            ViewerTestSupport.plant(producer, Planted.of(topic, taskTopic, "report.render", "huge", "too big")
                    .withValue("{\"blob\":\"" + "x".repeat(40 << 20) + "\"}"));
        }
        JsonNode[] ready = new JsonNode[1];
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                HttpResponse<String> r = get(port, "/health/ready");
                ready[0] = Json.MAPPER.readTree(r.body());
                return r.statusCode() == 503 && ready[0].path("status").asText().equals("FAILED");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the viewer never said its reader failed; its last readiness answer: " + ready[0]
                    + "\nthe end of its log:\n" + logTail(), e);
        }
        System.out.printf("a 96 MB viewer meeting a 40 MB dead letter: its reader ran out of memory and the viewer "
                + "said so %d ms after it was written%n", Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(ready[0].path("reader").path("lastError").asText()).contains("OutOfMemoryError");
        JsonNode version = json(port, "/api/version");
        assertThat(version.path("ready").asBoolean()).isFalse();
        assertThat(version.path("reader").path("state").asText()).isEqualTo("FAILED");
        // It gave back the older half of its index; reads still answer, and what it let go is named.
        JsonNode coverage = json(port, "/api/index");
        assertThat(coverage.path("evictedForMemory").asLong()).as("evicted after the OutOfMemoryError").isPositive();
        long notIndexed = 0;
        for (JsonNode gap : coverage.path("notIndexed")) {
            notIndexed += gap.path("records").asLong();
        }
        assertThat(notIndexed).isGreaterThanOrEqualTo(coverage.path("evictedForMemory").asLong());
        assertThat(json(port, "/api/groups?status=all").path("total").asInt()).isEqualTo(coverage.path("entries").asInt());
        // It stays not ready: nothing pretends the frozen index is live.
        Thread.sleep(1_000);
        assertThat(get(port, "/health/ready").statusCode()).isEqualTo(503);
    }
}
