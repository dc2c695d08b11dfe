package dev.jobwire.viewer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.broker.KraftBroker;
import dev.jobwire.viewer.Json;
import dev.jobwire.viewer.ViewerServer;
import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.TaskMetadata;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Not a test: the viewer measured over HTTP, as a person's browser uses it. Starts a Kafka broker
 * in this JVM, writes N dead letters with payloads of S bytes (realistic Jobwire headers: 3
 * attempts, a 20-frame stack trace, names, e-mail addresses and ids in the messages, 5 task types,
 * 4 exception classes, 20 places of failure, arrivals spread over the last 24 hours), then starts
 * the viewer in its own JVM with the given heap and measures: start-up to ready, heap after a full
 * GC, what the index holds, and p50/p95 of list, filter, search, groups, facets and detail requests
 * (10 warm-up requests, then 30 measured, each end to end with the JSON body read).
 *
 * <p>Arguments: {@code count payloadBytes heap [searchChars]}, e.g. {@code 100000 10240 1536m}.
 * See docs/dead-letter-viewer.md for the command. Timings are this machine's; compare within one run.
 */
public final class HttpBenchmark {
    private static final String[] TYPES = {"payment.charge", "email.send", "pdf.render", "webhook.deliver", "sms.send"};
    private static final String[] EXCEPTIONS = {"java.io.IOException", "java.net.SocketTimeoutException",
            "java.lang.IllegalStateException", "com.acme.PaymentDeclinedException"};
    private static final String[] NAMES = {"Ann Lee", "Bob Okafor", "Chen Wei", "Dana Cruz", "Emeka Obi", "Fatima Zahra"};
    private static final String TOPIC = "bench.tasks";
    private static final String DLT = TOPIC + ".dlt";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int payload = args.length > 1 ? Integer.parseInt(args[1]) : 1_024;
        String heap = args.length > 2 ? args[2] : "512m";
        String searchChars = args.length > 3 ? args[3] : null;
        Path data = Files.createTempDirectory("jobwire-viewer-bench");
        try (KraftBroker broker = KraftBroker.start(data, 0, Map.of(), Duration.ofSeconds(60))) {
            String bootstrap = broker.bootstrapServers();
            long t0 = System.nanoTime();
            String sampleRef = plant(bootstrap, count, payload);
            System.out.printf("wrote %,d dead letters of %,d-byte payloads in %,d ms%n", count, payload,
                    (System.nanoTime() - t0) / 1_000_000);
            measureViewer(bootstrap, count, payload, heap, searchChars, sampleRef);
        } finally {
            try (var paths = Files.walk(data)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String plant(String bootstrap, int count, int payloadBytes) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1), new NewTopic(DLT, 3, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        Random random = new Random(42);
        Instant end = Instant.now();
        String sampleRef = null;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                Instant at = end.minusMillis((long) (count - i) * 86_400_000L / count);
                var md = producer.send(record(i, at, payloadBytes, random));
                if (i == count / 2) {
                    var m = md.get();
                    sampleRef = m.topic() + "/" + m.partition() + "/" + m.offset();
                }
            }
            producer.flush();
        }
        return sampleRef;
    }

    private static ProducerRecord<byte[], byte[]> record(int i, Instant at, int payloadBytes, Random random) {
        RecordHeaders h = new RecordHeaders();
        String type = TYPES[i % TYPES.length];
        new TaskMetadata(UUID.randomUUID().toString(), type, "application/json", at.minusSeconds(30), null, null).writeTo(h);
        String exception = EXCEPTIONS[i % EXCEPTIONS.length];
        String name = NAMES[i % NAMES.length];
        String email = name.toLowerCase().replace(' ', '.') + (i % 997) + "@example.com";
        String message = switch (i % 4) {
            case 0 -> "connect timeout after " + (1000 + i % 5000) + " ms to billing-" + (i % 7) + ".internal";
            case 1 -> "order " + UUID.randomUUID() + " not found for " + email;
            case 2 -> "unexpected status 503 from http://pdf/render?id=" + Integer.toHexString(0x10000000 + i);
            default -> "card of " + name + " <" + email + "> declined (customer " + (100_000_000 + i) + ")";
        };
        String stack = exception + ": " + message + "\n\tat java.net.Socket.connect(Socket.java:751)\n"
                + "\tat com.acme." + type.replace('.', '_') + ".Handler" + (i % 4) + ".handle(Handler.java:" + (40 + i % 3) + ")\n"
                + "\tat dev.jobwire.worker.TaskRunner.run(TaskRunner.java:88)\n".repeat(20);
        DeadLetterReason reason = DeadLetterReason.values()[i % DeadLetterReason.values().length];
        new DeadLetter(TOPIC, i % 3, i, at.minusSeconds(30), reason, 3,
                List.of(new AttemptFailure(1, at, exception, message), new AttemptFailure(2, at, exception, message),
                        new AttemptFailure(3, at, exception, message)),
                exception, message, stack, "worker-" + (i % 4), at).writeTo(h);
        StringBuilder value = new StringBuilder(payloadBytes + 64);
        value.append("{\"customer\":\"customer-").append(i).append("\",\"email\":\"").append(email)
                .append("\",\"amount\":").append(i % 1000).append(",\"note\":\"");
        while (value.length() < payloadBytes - 2) {
            value.append((char) ('a' + random.nextInt(26)));
        }
        value.append("\"}");
        return new ProducerRecord<>(DLT, null, at.toEpochMilli(), ("customer-" + i).getBytes(StandardCharsets.UTF_8),
                value.toString().getBytes(StandardCharsets.UTF_8), h);
    }

    private static void measureViewer(String bootstrap, int count, int payload, String heap, String searchChars,
            String sampleRef) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                ViewerServer.class.getName());
        Map<String, String> env = pb.environment();
        env.put("JOBWIRE_BOOTSTRAP_SERVERS", bootstrap);
        env.put("JOBWIRE_HTTP_PORT", Integer.toString(port));
        env.put("JOBWIRE_VIEWER_TOPICS", DLT);
        env.put("JOBWIRE_VIEWER_TOKEN", "benchmark-token-0123456789");
        if (searchChars != null) {
            env.put("JOBWIRE_VIEWER_SEARCH_CHARS", searchChars);
        }
        Path log = Files.createTempFile("viewer-bench", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        long started = System.nanoTime();
        Process viewer = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            long readyMs = -1;
            while (System.nanoTime() - started < TimeUnit.MINUTES.toNanos(10) && viewer.isAlive()) {
                try {
                    HttpResponse<String> r = get(base + "/health/ready");
                    if (r.statusCode() == 200) {
                        readyMs = (System.nanoTime() - started) / 1_000_000;
                        break;
                    }
                    if (Json.MAPPER.readTree(r.body()).path("status").asText().equals("FAILED")) {
                        System.out.println("viewer reader FAILED: " + r.body());
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            if (readyMs < 0) {
                System.out.println("viewer not ready within 10 minutes; log: " + log);
                return;
            }
            JsonNode index = Json.MAPPER.readTree(get(base + "/api/index").body());
            Path jcmd = java.resolveSibling("jcmd");
            new ProcessBuilder(jcmd.toString(), Long.toString(viewer.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
            long heapUsed = heapUsed(get(base + "/metrics").body());
            long notIndexed = 0;
            for (JsonNode gap : index.path("notIndexed")) {
                notIndexed += gap.path("records").asLong();
            }
            System.out.printf("%n## %,d dead letters, %,d-byte payloads, -Xmx%s%s%n", count, payload, heap,
                    searchChars == null ? "" : ", search chars " + searchChars);
            System.out.printf("start-up to ready: %,d ms; indexed %,d, not indexed %,d; index estimate %,d MB of a %,d MB budget; "
                    + "heap used after full GC %,d MB (%,d bytes per indexed dead letter, all included)%n", readyMs,
                    index.path("entries").asLong(), notIndexed, index.path("bytes").asLong() >> 20,
                    index.path("budgetBytes").asLong() >> 20, heapUsed >> 20,
                    index.path("entries").asLong() == 0 ? 0 : heapUsed / index.path("entries").asLong());
            Map<String, String> queries = new LinkedHashMap<>();
            queries.put("list, newest 50 (all)", "/api/dead-letters?status=all&size=50");
            queries.put("list, open (first page of the List view)", "/api/dead-letters?status=open&size=50");
            queries.put("list, page 100", "/api/dead-letters?status=all&size=50&page=99");
            queries.put("filter task type", "/api/dead-letters?status=all&type=pdf.render");
            // Record 1's combination (1 in 20 of the records, times the reason's share).
            queries.put("filter type+reason+exception", "/api/dead-letters?status=all&type=email.send&reason="
                    + DeadLetterReason.values()[1 % DeadLetterReason.values().length].name()
                    + "&exception=java.net.SocketTimeoutException");
            queries.put("filter last hour", "/api/dead-letters?status=all&range=1h");
            queries.put("search, rare (one customer)", "/api/dead-letters?status=all&q=customer-" + (count * 3 / 4) + "%22");
            queries.put("search, common (timeout)", "/api/dead-letters?status=all&q=timeout");
            queries.put("groups, all", "/api/groups?status=all");
            queries.put("groups, open (the first screen)", "/api/groups?status=open");
            queries.put("facets", "/api/facets");
            queries.put("detail (re-read from Kafka)", "/api/dead-letters/" + sampleRef);
            System.out.println("| request | p50 | p95 | answer |");
            System.out.println("| --- | --- | --- | --- |");
            for (var q : queries.entrySet()) {
                measure(q.getKey(), base + q.getValue());
            }
        } finally {
            viewer.destroy();
            viewer.waitFor(20, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    private static void measure(String name, String url) throws Exception {
        for (int i = 0; i < 10; i++) {
            get(url);
        }
        long[] micros = new long[30];
        HttpResponse<String> last = null;
        for (int i = 0; i < micros.length; i++) {
            long t = System.nanoTime();
            last = get(url);
            micros[i] = (System.nanoTime() - t) / 1_000;
        }
        Arrays.sort(micros);
        JsonNode body = Json.MAPPER.readTree(last.body());
        String answer = body.has("total") ? String.format("%,d matches", body.path("total").asInt())
                + (body.has("totalGroups") ? String.format(", %,d groups", body.path("totalGroups").asInt()) : "")
                : String.format("%,d bytes", last.body().length());
        System.out.printf("| %s | %.1f ms | %.1f ms | %s |%n", name, micros[15] / 1000.0, micros[28] / 1000.0, answer);
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && !url.endsWith("/health/ready")) {
            throw new IOException(url + " -> " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    /** The sum of {@code jvm_memory_used_bytes{area="heap"}} in a Prometheus scrape. */
    private static long heapUsed(String metrics) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) sum;
    }
}
