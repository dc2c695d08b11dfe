package dev.jobwire.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TaskMetadata;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plants dead letters the way the worker writes them, and talks to a viewer over HTTP. */
public final class ViewerTestSupport {
    public static final String TOKEN = "test-token-0123456789";

    private ViewerTestSupport() {
    }

    /** A viewer on a free port reading only {@code dltTopics}, with its own audit and marks topics. */
    public static ViewerConfig config(TestKafka kafka, String... dltTopics) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return ViewerConfig.defaults(kafka.bootstrapServers())
                .withHttp("127.0.0.1", 0)
                .withTopics(List.of(dltTopics))
                .withToken(TOKEN)
                .withMetaTopics("audit-" + suffix, "marks-" + suffix);
    }

    /** A task topic and its dead-letter topic, named uniquely: {task, dead letters}. */
    public static String[] topics(TestKafka kafka, int taskPartitions, int deadLetterPartitions) {
        String task = "tasks-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(task, taskPartitions, Map.of());
        kafka.createTopic(task + ".dlt", deadLetterPartitions, Map.of());
        return new String[] {task, task + ".dlt"};
    }

    public static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** What one planted dead letter looks like; {@link #plant} writes it like the worker would. */
    public record Planted(String dltTopic, String originalTopic, String taskType, String key, String value,
            String exceptionClass, String message, DeadLetterReason reason, int replayCount, Map<String, String> extraHeaders) {

        public static Planted of(String dltTopic, String originalTopic, String taskType, String key, String message) {
            return new Planted(dltTopic, originalTopic, taskType, key, "{\"key\":\"" + key + "\",\"amount\":12}",
                    "java.io.IOException", message, DeadLetterReason.RETRIES_EXHAUSTED, 0, Map.of("team", "billing"));
        }

        public Planted withException(String cls) {
            return new Planted(dltTopic, originalTopic, taskType, key, value, cls, message, reason, replayCount, extraHeaders);
        }

        public Planted withReplayCount(int count) {
            return new Planted(dltTopic, originalTopic, taskType, key, value, exceptionClass, message, reason, count, extraHeaders);
        }

        public Planted withValue(String v) {
            return new Planted(dltTopic, originalTopic, taskType, key, v, exceptionClass, message, reason, replayCount, extraHeaders);
        }

        public Planted withHeaders(Map<String, String> headers) {
            return new Planted(dltTopic, originalTopic, taskType, key, value, exceptionClass, message, reason, replayCount, headers);
        }

        /** The task's headers as the producer wrote them (what a replay must restore). */
        public Headers originalHeaders() {
            RecordHeaders h = new RecordHeaders();
            TaskMetadata.create(taskType, "application/json", null, null).writeTo(h);
            extraHeaders.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
            if (replayCount > 0) {
                HeaderValues.put(h, TaskHeaders.REPLAY_COUNT, Integer.toString(replayCount));
            }
            return h;
        }
    }

    /** Writes the dead letter and returns its reference {@code topic/partition/offset}. */
    public static String plant(KafkaProducer<byte[], byte[]> producer, Planted p) throws Exception {
        RecordMetadata md = plantAsync(producer, p).get();
        return md.topic() + "/" + md.partition() + "/" + md.offset();
    }

    /** Sends the dead letter without waiting (for planting many). */
    public static java.util.concurrent.Future<RecordMetadata> plantAsync(KafkaProducer<byte[], byte[]> producer, Planted p) {
        return plantAt(producer, p, Instant.now());
    }

    /** Sends the dead letter as if written at {@code now} (its record timestamp), without waiting. */
    public static java.util.concurrent.Future<RecordMetadata> plantAt(KafkaProducer<byte[], byte[]> producer, Planted p,
            Instant now) {
        Headers h = p.originalHeaders();
        String stack = p.exceptionClass() + ": " + p.message() + "\n\tat java.net.Socket.connect(Socket.java:751)\n"
                + "\tat com.acme.billing.ChargeHandler.handle(ChargeHandler.java:42)\n"
                + "\tat dev.jobwire.worker.TaskRunner.run(TaskRunner.java:88)\n";
        new DeadLetter(p.originalTopic(), 0, 17, now.minusSeconds(5), p.reason(), 2,
                List.of(new AttemptFailure(1, now.minusSeconds(3), p.exceptionClass(), p.message()),
                        new AttemptFailure(2, now.minusSeconds(1), p.exceptionClass(), p.message())),
                p.exceptionClass(), p.message(), stack, "worker-1", now).writeTo(h);
        return producer.send(new ProducerRecord<>(p.dltTopic(), null, now.toEpochMilli(),
                p.key() == null ? null : p.key().getBytes(StandardCharsets.UTF_8),
                p.value().getBytes(StandardCharsets.UTF_8), h));
    }

    /** A minimal HTTP client for the viewer's API. */
    public static final class Api {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String base;

        public Api(ViewerServer server) {
            this.base = "http://127.0.0.1:" + server.port();
        }

        public String base() {
            return base;
        }

        public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** A raw HTTP/1.1 request over a socket, so the Host header can be anything (java.net.http forbids setting it). */
        public String raw(String method, String path, String host, String... headers) throws IOException {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", URI.create(base).getPort())) {
                socket.setSoTimeout(10_000);
                StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host
                        + "\r\nConnection: close\r\n");
                for (int i = 0; i < headers.length; i += 2) {
                    request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
                }
                request.append("Content-Length: 0\r\n\r\n");
                socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        }

        public JsonNode getJson(String path) throws IOException, InterruptedException {
            HttpResponse<String> r = get(path);
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + path + " -> " + r.statusCode() + " " + r.body());
            }
            return Json.MAPPER.readTree(r.body());
        }

        /** POST with a JSON body and the given extra headers (name, value, name, value...). */
        public HttpResponse<String> post(String path, Object body, String... headers) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)))
                    .header("Content-Type", "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** POST as an API client with the bearer token. */
        public JsonNode act(String path, Object body) throws IOException, InterruptedException {
            HttpResponse<String> r = post(path, body, "Authorization", "Bearer " + TOKEN, "X-Jobwire-User", "tester");
            if (r.statusCode() / 100 != 2) {
                throw new AssertionError("POST " + path + " -> " + r.statusCode() + " " + r.body());
            }
            return Json.MAPPER.readTree(r.body());
        }
    }
}
