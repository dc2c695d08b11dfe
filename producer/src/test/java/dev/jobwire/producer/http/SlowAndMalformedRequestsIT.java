package dev.jobwire.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.producer.internal.Json;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that are slow, idle or not speaking HTTP properly: each gets a bounded, problem+json
 * answer, and none holds a server thread. Raw sockets, since {@link java.net.http.HttpClient}
 * sends only well-formed requests at full speed.
 */
@ExtendWith(RealKafkaExtension.class)
class SlowAndMalformedRequestsIT {
    private static final String POST_TASK = "POST /tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
    /** Generous for a loaded machine; the bounds under test are one to three seconds. */
    private static final Duration PATIENCE = Duration.ofSeconds(25);

    @Test
    void aSlowBodyIsAnswered408AndTheConnectionClosed(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("http-slow-body", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of("JOBWIRE_HTTP_READ_TIMEOUT", "1s"));
             RawHttp client = new RawHttp(server, PATIENCE)) {
            client.send(POST_TASK + "Content-Length: 100\r\n\r\n{");
            // one byte every 200 ms: the whole body would take 20 s
            for (int i = 0; i < 99 && !client.answered() && client.send(" "); i++) {
                Thread.sleep(200);
            }
            RawHttp.Response response = client.read();
            JsonNode problem = assertProblem(response, 408, "request-timeout");
            assertThat(problem.get("detail").asText()).isEqualTo("the request did not arrive in full within 1s (JOBWIRE_HTTP_READ_TIMEOUT)");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void slowHeadersAreAnswered408AndTheConnectionClosed(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("http-slow-headers", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of("JOBWIRE_HTTP_READ_TIMEOUT", "1s"));
             RawHttp client = new RawHttp(server, PATIENCE)) {
            client.send(POST_TASK + "X-Slow: ");
            // one header byte every 200 ms, for up to 20 s; the idle timeout never fires
            for (int i = 0; i < 100 && !client.answered() && client.send("a"); i++) {
                Thread.sleep(200);
            }
            RawHttp.Response response = client.read();
            JsonNode problem = assertProblem(response, 408, "request-timeout");
            assertThat(problem.get("detail").asText())
                    .isEqualTo("the request headers did not arrive in full within 1s (JOBWIRE_HTTP_READ_TIMEOUT)");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeout(TestKafka kafka) {
        String topic = kafka.createTopic("http-idle", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic,
                Map.of("JOBWIRE_PUBLISH_TIMEOUT", "1s", "JOBWIRE_HTTP_IDLE_TIMEOUT", "3s"))) {
            try (RawHttp silent = new RawHttp(server, PATIENCE)) {
                assertThat(silent.closedByServer()).as("a connection that never sent a byte").isTrue();
            }
            try (RawHttp keepAlive = new RawHttp(server, PATIENCE)) {
                keepAlive.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(keepAlive.read().status()).isEqualTo(200);
                assertThat(keepAlive.closedByServer()).as("a kept-alive connection after its request").isTrue();
            }
        }
    }

    /** A thread blocked in the endpoint is the only way a slow body could hold one. */
    @Test
    void slowBodiesHoldNoServerThread(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("http-slow-threads", 1);
        List<RawHttp> clients = new ArrayList<>();
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of("JOBWIRE_HTTP_READ_TIMEOUT", "60s"))) {
            for (int i = 0; i < 20; i++) {
                RawHttp client = new RawHttp(server, PATIENCE);
                clients.add(client);
                client.send(POST_TASK + "Content-Length: 100\r\n\r\n{");
            }
            for (int round = 0; round < 15; round++) {
                Thread.sleep(200);
                clients.forEach(c -> c.send(" "));
                assertThat(threadsInTheEndpoint()).as("threads reading a task body, round %d", round).isEmpty();
            }
            // while they trickle on, a whole request is served
            assertThat(HttpFixture.postJson(server, "/tasks", "{\"type\":\"a\",\"payload\":{}}").status()).isEqualTo(202);
            assertThat(clients).noneMatch(RawHttp::answered);
        } finally {
            clients.forEach(RawHttp::close);
        }
    }

    @Test
    void anUnauthorizedRequestIsRefusedBeforeItsBodyArrives(TestKafka kafka) {
        String topic = kafka.createTopic("http-slow-401", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic,
                Map.of("JOBWIRE_AUTH_TOKEN", "s3cret", "JOBWIRE_HTTP_READ_TIMEOUT", "60s"));
             RawHttp client = new RawHttp(server, PATIENCE)) {
            client.send(POST_TASK + "Content-Length: 100\r\n\r\n{");
            assertProblem(client.read(), 401, "unauthorized");
        }
    }

    @Test
    void jettysOwnRefusalsAreProblemJson(TestKafka kafka) {
        String topic = kafka.createTopic("http-jetty-errors", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of())) {
            try (RawHttp client = new RawHttp(server, PATIENCE)) {
                client.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n");
                assertProblem(client.read(), 431, "request-header-fields-too-large");
            }
            try (RawHttp client = new RawHttp(server, PATIENCE)) {
                client.send("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertProblem(client.read(), 414, "uri-too-long");
            }
            try (RawHttp client = new RawHttp(server, PATIENCE)) {
                client.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n");
                assertProblem(client.read(), 400, "bad-request");
            }
        }
    }

    @Test
    void problemsAreUtf8AndSayWhatTheyAre(TestKafka kafka) {
        String topic = kafka.createTopic("http-utf8", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of());
             RawHttp client = new RawHttp(server, PATIENCE)) {
            String type = "caf\u00e9 " + "x".repeat(70);
            byte[] body = ("{\"type\":\"" + type + "\",\"payload\":{}}").getBytes(StandardCharsets.UTF_8);
            client.send(POST_TASK + "Content-Length: " + body.length + "\r\n\r\n");
            client.send(body);
            RawHttp.Response response = client.read();
            JsonNode problem = assertProblem(response, 400, "invalid-request");
            // é and the abbreviation's … travel as UTF-8 (c3 a9, e2 80 a6), not as ISO-8859-1's e9 and '?'
            assertThat(problem.get("detail").asText()).startsWith("task type '" + type.substring(0, 64) + "\u2026'");
            assertThat(indexOf(response.body(), new byte[] {(byte) 0xc3, (byte) 0xa9})).isNotNegative();
            assertThat(indexOf(response.body(), new byte[] {(byte) 0xe2, (byte) 0x80, (byte) 0xa6})).isNotNegative();
        }
    }

    private static JsonNode assertProblem(RawHttp.Response response, int status, String slug) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json;charset=utf-8");
        try {
            JsonNode problem = Json.MAPPER.readTree(response.body());
            assertThat(problem.get("type").asText()).isEqualTo("urn:jobwire:problem:" + slug);
            assertThat(problem.get("status").asInt()).isEqualTo(status);
            return problem;
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + response.text(), e);
        }
    }

    private static List<String> threadsInTheEndpoint() {
        List<String> found = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(TaskEndpoint.class.getName()))) {
                found.add(thread.getName());
            }
        });
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
