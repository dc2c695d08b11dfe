package dev.jobwire.producer.http;

import static dev.jobwire.producer.http.HttpFixture.get;
import static dev.jobwire.producer.http.HttpFixture.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.producer.DelayTopics;
import dev.jobwire.producer.WireAssertions;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP endpoint against a real broker: what it writes, and every way it says no. */
@ExtendWith(RealKafkaExtension.class)
class ProducerServerIT {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void postTaskWritesTheWireFormatAndAnswersWithTheReceipt(TestKafka kafka) {
        String topic = kafka.createTopic("http-one", 3);
        Instant before = Instant.now();
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of())) {
            HttpFixture.Response response = postJson(server, "/tasks", """
                    {"type": "http.call",
                     "payload": {"url": "http://billing.internal/charge", "amount": 1200, "exact": 0.10000000000000000001},
                     "key": "customer-42",
                     "headers": {"tenant": "acme"},
                     "deadline": "2099-01-01T00:00:00Z"}
                    """, "traceparent", TRACEPARENT);

            assertThat(response.status()).as(response.body()).isEqualTo(202);
            assertThat(response.contentType()).startsWith("application/json");
            JsonNode receipt = response.json();
            ConsumerRecord<byte[], byte[]> record = kafka.read(topic, 1, Duration.ofSeconds(20)).getFirst();
            assertThat(receipt.get("topic").asText()).isEqualTo(topic);
            assertThat(receipt.get("partition").asInt()).isEqualTo(record.partition());
            assertThat(receipt.get("offset").asLong()).isEqualTo(record.offset());
            assertThat(Instant.parse(receipt.get("timestamp").asText()).toEpochMilli()).isEqualTo(record.timestamp());
            assertThat(utf8(record.key())).isEqualTo("customer-42");
            assertThat(utf8(record.value()))
                    .isEqualTo("{\"url\":\"http://billing.internal/charge\",\"amount\":1200,\"exact\":0.10000000000000000001}");
            WireAssertions.assertTaskHeaders(record, receipt.get("taskId").asText(), "http.call", "application/json",
                    before, Instant.parse("2099-01-01T00:00:00Z"), TRACEPARENT, Map.of("tenant", "acme"));
        }
    }

    @Test
    void base64PayloadKeepsTheBytesAndTheContentType(TestKafka kafka) {
        String topic = kafka.createTopic("http-b64", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of())) {
            assertThat(postJson(server, "/tasks", "{\"type\":\"img.resize\",\"payloadBase64\":\"AP8H\"}").status()).isEqualTo(202);
            assertThat(postJson(server, "/tasks",
                    "{\"type\":\"note\",\"payloadBase64\":\"aGk=\",\"contentType\":\"text/plain\"}").status()).isEqualTo(202);
            List<ConsumerRecord<byte[], byte[]>> records = kafka.read(topic, 2, Duration.ofSeconds(20));
            assertThat(records.get(0).value()).containsExactly(0, 0xff, 7);
            assertThat(utf8(records.get(0).headers().lastHeader("jobwire.content-type").value())).isEqualTo("application/octet-stream");
            assertThat(records.get(0).key()).isNull();
            assertThat(records.get(0).headers().lastHeader("traceparent")).isNull();
            assertThat(utf8(records.get(1).value())).isEqualTo("hi");
            assertThat(utf8(records.get(1).headers().lastHeader("jobwire.content-type").value())).isEqualTo("text/plain");
        }
    }

    @Test
    void batchPublishesInOrderAndAnswersWithReceiptsInOrder(TestKafka kafka) {
        String topic = kafka.createTopic("http-batch", 2);
        String other = kafka.createTopic("http-batch-other", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic,
                Map.of("JOBWIRE_ALLOWED_TOPICS", other))) {
            HttpFixture.Response response = postJson(server, "/tasks/batch", """
                    [{"type": "a", "payload": 1, "key": "k"},
                     {"type": "b", "payload": "two", "key": "k"},
                     {"type": "c", "payload": [3], "key": "k"},
                     {"type": "d", "payload": null, "payloadBase64": "BA==", "topic": "%s"}]
                    """.formatted(other));
            assertThat(response.status()).as(response.body()).isEqualTo(202);
            JsonNode receipts = response.json().get("receipts");
            assertThat(receipts).hasSize(4);
            List<ConsumerRecord<byte[], byte[]>> records = kafka.read(topic, 3, Duration.ofSeconds(20));
            assertThat(records).extracting(r -> utf8(r.value())).containsExactly("1", "\"two\"", "[3]");
            for (int i = 0; i < 3; i++) {
                ConsumerRecord<byte[], byte[]> record = records.get(i);
                JsonNode receipt = receipts.get(i);
                assertThat(receipt.get("partition").asInt()).isEqualTo(record.partition());
                assertThat(receipt.get("offset").asLong()).isEqualTo(record.offset());
                assertThat(utf8(record.headers().lastHeader("jobwire.task-id").value())).isEqualTo(receipt.get("taskId").asText());
            }
            assertThat(receipts.get(3).get("topic").asText()).isEqualTo(other);
            assertThat(kafka.read(other, 1, Duration.ofSeconds(20)).getFirst().value()).containsExactly(4);
        }
    }

    @Test
    void everyBadInputIsA400WithPointersAndNothingIsPublished(TestKafka kafka) {
        String topic = kafka.createTopic("http-bad", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of())) {
            assertProblem(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": "), 400, "malformed-json")
                    .satisfies(p -> assertThat(p.get("detail").asText()).startsWith("the body is not valid JSON"));
            assertProblem(postJson(server, "/tasks", "{\"type\":\"a\",\"payload\":1} {}"), 400, "malformed-json");
            assertProblem(postJson(server, "/tasks", "{\"type\":\"a\",\"type\":\"b\",\"payload\":1}"), 400, "malformed-json")
                    .satisfies(p -> assertThat(p.get("detail").asText()).contains("Duplicate field 'type'"));
            assertProblem(postJson(server, "/tasks", ""), 400, "malformed-json");
            assertFieldError(postJson(server, "/tasks", "{\"payload\": {}}"), "/type", "task type is required");
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"bad type!\", \"payload\": {}}"), "/type",
                    "task type 'bad type!' may hold only letters, digits, '.', '_', '-' and ':' and must start with a letter or digit");
            assertFieldError(postJson(server, "/tasks", "{\"type\": 7, \"payload\": {}}"), "/type", "must be a string, not number");
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": {}, \"payloadBase64\": \"AA==\"}"),
                    "/payloadBase64", "give either 'payload' or 'payloadBase64', not both");
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\"}"), "/payload",
                    "a payload is required: 'payload' (any JSON value) or 'payloadBase64' (bytes in base64)");
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payloadBase64\": \"not base64!\"}"),
                    "/payloadBase64", null);
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"deadline\": \"tomorrow\"}"),
                    "/deadline", "'tomorrow' is not an ISO-8601 instant like 2026-11-26T05:05:00Z");
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"deadline\": \"2001-01-01T00:00:00Z\"}"),
                    "/deadline", "deadline 2001-01-01T00:00:00Z is not in the future");
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"headers\": {\"jobwire.task-id\": \"x\"}}"),
                    "/headers/jobwire.task-id", "header 'jobwire.task-id' is reserved: names starting with 'jobwire.' are set by Jobwire");
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"headers\": {\"a/b\": 1}}"),
                    "/headers/a~1b", "header values must be strings");
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"headers\": {\"x\\r\\nX-Forged: 1\": \"v\"}}"),
                    "/headers/x\r\nX-Forged: 1", "header name 'x\\r\\nX-Forged: 1' holds U+000D at position 1: header names "
                            + "must not hold control characters (CR, LF, NUL...) or bidirectional controls");
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"headers\": {\"n\\u0000\": \"v\"}}"),
                    "/headers/n\u0000", null);
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"headers\": {\"exe\u202etxt\": \"v\"}}"),
                    "/headers/exe\u202etxt", null);
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"paylod\": 2}"),
                    "/paylod", null);
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"contentType\": \"text/plain\"}"),
                    "/contentType", null);
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"topic\": \"jobwire.tasks.dlt\"}"),
                    "/topic", "topic 'jobwire.tasks.dlt' is not allowed here; allowed: " + topic);
            assertFieldError(postJson(server, "/tasks", "{\"type\": \"a\", \"payload\": 1, \"traceparent\": \"abc\"}"),
                    "/traceparent", null);
            assertFieldError(postJson(server, "/tasks", "[{\"type\": \"a\", \"payload\": 1}]"), "",
                    "the body must be a JSON object describing one task (use /tasks/batch for an array)");

            var several = assertProblem(postJson(server, "/tasks", "{\"type\": \"\", \"key\": 5}"), 400, "invalid-request");
            assertThat(several.get("detail").asText()).isEqualTo("3 problems; see errors");
            assertThat(several.get("errors")).extracting(e -> e.get("pointer").asText())
                    .containsExactly("/type", "/payload", "/key");

            HttpFixture.Response batch = postJson(server, "/tasks/batch", """
                    [{"type": "ok", "payload": 1},
                     {"type": "also.ok", "payloadBase64": "AA=="},
                     {"payload": 3},
                     "not an object"]
                    """);
            var problem = assertProblem(batch, 400, "invalid-request");
            assertThat(problem.get("errors")).extracting(e -> e.get("pointer").asText()).containsExactly("/2/type", "/3");
            assertFieldError(postJson(server, "/tasks/batch", "[]"), "", "the batch is empty");
            assertFieldError(postJson(server, "/tasks/batch", "{\"type\": \"a\", \"payload\": 1}"), "",
                    "the body must be a JSON array of tasks");

            // bad input never reached Kafka
            assertThat(kafka.read(topic, 1, Duration.ofSeconds(2))).isEmpty();
        }
    }

    @Test
    void delayedTasksWaitInTheirTierAndTheReceiptSaysWhenTheyRun(TestKafka kafka) {
        String topic = kafka.createTopic("http-delay", 2);
        String delayTopic = DelayTopics.create(kafka, topic);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of())) {
            HttpFixture.Response one = postJson(server, "/tasks",
                    "{\"type\":\"report.build\",\"payload\":{\"id\":1},\"key\":\"customer-42\",\"delay\":\"5s\"}");
            assertThat(one.status()).as(one.body()).isEqualTo(202);
            JsonNode receipt = one.json();
            assertThat(receipt.get("topic").asText()).isEqualTo(delayTopic);
            assertThat(receipt.get("partition").asInt()).isEqualTo(2);
            ConsumerRecord<byte[], byte[]> record = kafka.read(delayTopic, 1, Duration.ofSeconds(20)).getFirst();
            assertThat(record.partition()).isEqualTo(2);
            assertThat(record.offset()).isEqualTo(receipt.get("offset").asLong());
            assertThat(utf8(record.key())).isEqualTo("customer-42");
            Instant createdAt = Instant.parse(utf8(record.headers().lastHeader("jobwire.created-at").value()));
            Instant notBefore = Instant.parse(utf8(record.headers().lastHeader("jobwire.not-before").value()));
            assertThat(notBefore).isEqualTo(createdAt.plusSeconds(5)).isEqualTo(Instant.parse(receipt.get("notBefore").asText()));

            String inAMonth = Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
            HttpFixture.Response batch = postJson(server, "/tasks/batch", """
                    [{"type": "a", "payload": 1},
                     {"type": "b", "payload": 2, "notBefore": "%s"},
                     {"type": "c", "payload": 3, "delay": "300ms"}]
                    """.formatted(inAMonth));
            assertThat(batch.status()).as(batch.body()).isEqualTo(202);
            JsonNode receipts = batch.json().get("receipts");
            assertThat(receipts.get(0).get("topic").asText()).isEqualTo(topic);
            assertThat(receipts.get(0).has("notBefore")).isFalse();
            assertThat(receipts.get(1).get("topic").asText()).isEqualTo(delayTopic);
            assertThat(receipts.get(1).get("partition").asInt()).isEqualTo(21); // a month ahead: the longest tier (24 days)
            assertThat(receipts.get(1).get("notBefore").asText()).isEqualTo(inAMonth);
            assertThat(receipts.get(2).get("topic").asText()).as("under a second: the task topic").isEqualTo(topic);
            assertThat(receipts.get(2).get("notBefore").asText()).isNotEmpty();
            assertThat(kafka.read(topic, 2, Duration.ofSeconds(20))).extracting(r -> r.headers().lastHeader("jobwire.not-before") != null)
                    .containsExactlyInAnyOrder(false, true);
        }
    }

    @Test
    void badStartTimesAre400sWithPointersAndAMissingDelayTopicIs503(TestKafka kafka) {
        String topic = kafka.createTopic("http-delay-bad", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic,
                Map.of("JOBWIRE_PUBLISH_TIMEOUT", "2s"))) {
            assertFieldError(postJson(server, "/tasks", "{\"type\":\"a\",\"payload\":1,\"delay\":\"soon\"}"), "/delay",
                    "'soon' is not a duration like 250ms, 30s, 5m, 1h or PT30S");
            assertFieldError(postJson(server, "/tasks", "{\"type\":\"a\",\"payload\":1,\"delay\":\"-1s\"}"), "/delay",
                    "delay -1s is negative; a task cannot be scheduled in the past (no delay, or zero, starts it at once)");
            assertFieldError(postJson(server, "/tasks",
                    "{\"type\":\"a\",\"payload\":1,\"delay\":\"1s\",\"notBefore\":\"2030-01-01T00:00:00Z\"}"),
                    "/notBefore", "give either 'delay' or 'notBefore', not both");
            Instant tomorrow = Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            Instant inTwoDays = tomorrow.plus(Duration.ofDays(1));
            var batch = assertProblem(postJson(server, "/tasks/batch", """
                    [{"type": "a", "payload": 1, "delay": "5s"},
                     {"type": "a", "payload": 1, "notBefore": "9999-01-01T00:00:00Z"},
                     {"type": "a", "payload": 1, "delay": "1h", "deadline": "%s", "notBefore": null},
                     {"type": "a", "payload": 1, "notBefore": "%s", "deadline": "%s"}]
                    """.formatted(tomorrow, inTwoDays, tomorrow)), 400, "invalid-request");
            assertThat(batch.get("errors")).extracting(e -> e.get("pointer").asText()).containsExactly("/1/notBefore", "/3/deadline");
            assertThat(batch.get("errors").get(1).get("detail").asText()).isEqualTo("deadline " + tomorrow + " is not after "
                    + "the start time " + inTwoDays + ": the task would expire before it may start");

            HttpFixture.Response missing = postJson(server, "/tasks", "{\"type\":\"a\",\"payload\":1,\"delay\":\"30s\"}");
            assertProblem(missing, 503, "topic-not-found").satisfies(p -> assertThat(p.get("detail").asText())
                    .startsWith("delay topic '" + topic + ".delay' does not exist on the Kafka cluster at ")
                    .contains("JOBWIRE_CREATE_TOPICS=true"));
            assertThat(kafka.read(topic, 1, Duration.ofSeconds(2))).as("nothing published").isEmpty();
        }
    }

    @Test
    void oversizedBodiesAre413BeforeParsing(TestKafka kafka) {
        String topic = kafka.createTopic("http-413", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic,
                Map.of("JOBWIRE_MAX_BODY_BYTES", "1000"))) {
            String big = "{\"type\":\"a\",\"payload\":\"" + "x".repeat(1000) + "\"}";
            assertProblem(postJson(server, "/tasks", big), 413, "payload-too-large")
                    .satisfies(p -> assertThat(p.get("detail").asText())
                            .isEqualTo("the request body is larger than 1000 bytes (JOBWIRE_MAX_BODY_BYTES)"));
            // without Content-Length (chunked), the limit holds while reading; the body is not even JSON
            HttpFixture.Response chunked = HttpFixture.send(server, HttpRequest.newBuilder(HttpFixture.uri(server, "/tasks"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5000]))));
            assertProblem(chunked, 413, "payload-too-large");
            String justUnder = "{\"type\":\"a\",\"payload\":\"" + "x".repeat(900) + "\"}";
            assertThat(postJson(server, "/tasks", justUnder).status()).isEqualTo(202);
        }
    }

    @Test
    void nonJsonContentTypeIs415(TestKafka kafka) {
        String topic = kafka.createTopic("http-415", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of())) {
            HttpFixture.Response text = HttpFixture.send(server, HttpRequest.newBuilder(HttpFixture.uri(server, "/tasks"))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertProblem(text, 415, "unsupported-media-type");
            HttpFixture.Response none = HttpFixture.send(server, HttpRequest.newBuilder(HttpFixture.uri(server, "/tasks/batch"))
                    .POST(HttpRequest.BodyPublishers.ofString("[]")));
            assertProblem(none, 415, "unsupported-media-type");
            HttpFixture.Response vendorJson = HttpFixture.send(server, HttpRequest.newBuilder(HttpFixture.uri(server, "/tasks"))
                    .header("Content-Type", "application/vnd.jobwire+json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"a\",\"payload\":{}}")));
            assertThat(vendorJson.status()).isEqualTo(202);
        }
    }

    @Test
    void bearerTokenIsRequiredOnPostsWhenConfigured(TestKafka kafka) {
        String topic = kafka.createTopic("http-401", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic,
                Map.of("JOBWIRE_AUTH_TOKEN", "s3cret-token"))) {
            String task = "{\"type\":\"a\",\"payload\":{}}";
            HttpFixture.Response missing = postJson(server, "/tasks", task);
            assertProblem(missing, 401, "unauthorized");
            assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"jobwire\"");
            assertProblem(postJson(server, "/tasks", task, "Authorization", "Bearer wrong"), 401, "unauthorized")
                    .satisfies(p -> assertThat(p.get("detail").asText()).isEqualTo("the bearer token is not valid"));
            assertProblem(postJson(server, "/tasks/batch", "[" + task + "]", "Authorization", "Bearer s3cret-token-longer"),
                    401, "unauthorized");
            assertProblem(postJson(server, "/tasks", task, "Authorization", "Basic czNjcmV0LXRva2Vu"), 401, "unauthorized");
            // auth comes before every other check, so the unauthenticated learn nothing
            assertProblem(postJson(server, "/tasks", "{not json"), 401, "unauthorized");
            assertThat(kafka.read(topic, 1, Duration.ofSeconds(1))).isEmpty();

            assertThat(postJson(server, "/tasks", task, "Authorization", "Bearer s3cret-token").status()).isEqualTo(202);
            assertThat(postJson(server, "/tasks/batch", "[" + task + "]", "Authorization", "bearer s3cret-token").status())
                    .isEqualTo(202);
            assertThat(get(server, "/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void missingTopicIs503WithRetryAfterAndTheReason(TestKafka kafka) {
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), "http-missing-topic",
                Map.of("JOBWIRE_PUBLISH_TIMEOUT", "2s"))) {
            HttpFixture.Response response = postJson(server, "/tasks", "{\"type\":\"a\",\"payload\":{}}");
            assertProblem(response, 503, "topic-not-found").satisfies(p -> assertThat(p.get("detail").asText())
                    .isEqualTo("topic 'http-missing-topic' does not exist on the Kafka cluster at " + kafka.bootstrapServers()
                            + " (topics are not created automatically; create it first)"));
            assertThat(response.header("Retry-After")).isEqualTo("5");

            HttpFixture.Response ready = get(server, "/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("detail").asText()).isEqualTo("topic 'http-missing-topic' does not exist at " + kafka.bootstrapServers());
        }
    }

    @Test
    void unreachableBrokerIs503AndNotReady() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ProducerServer server = HttpFixture.start("127.0.0.1:" + closedPort, "jobwire.tasks",
                Map.of("JOBWIRE_PUBLISH_TIMEOUT", "2s"))) {
            assertThat(get(server, "/health/live").status()).isEqualTo(200);
            HttpFixture.Response ready = get(server, "/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("status").asText()).isEqualTo("DOWN");

            HttpFixture.Response batch = postJson(server, "/tasks/batch",
                    "[{\"type\":\"a\",\"payload\":1},{\"type\":\"b\",\"payload\":2}]");
            var problem = assertProblem(batch, 503, "broker-unavailable");
            assertThat(batch.header("Retry-After")).isEqualTo("5");
            assertThat(problem.get("detail").asText()).isEqualTo("2 of 2 tasks were not published; first, task 0: "
                    + "no Kafka broker reachable at 127.0.0.1:" + closedPort + " within 2s (delivery timeout)");
            assertThat(problem.get("tasks")).extracting(t -> t.get("status").asText()).containsExactly("failed", "failed");
        }
    }

    @Test
    void aRecordOverTheProducersLimitIs413AndNothingIsSent(TestKafka kafka) {
        String topic = kafka.createTopic("http-record-large", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic,
                Map.of("JOBWIRE_KAFKA_MAX_REQUEST_SIZE", "2000"))) {
            HttpFixture.Response response = postJson(server, "/tasks",
                    "{\"type\":\"big\",\"payloadBase64\":\"" + java.util.Base64.getEncoder().encodeToString(new byte[3000]) + "\"}");
            assertProblem(response, 413, "record-too-large").satisfies(p -> assertThat(p.get("detail").asText())
                    .contains("payload 3000 bytes", "over the producer's limit of 2000 bytes (max.request.size)",
                            "nothing was published"));
        }
    }

    /** All or nothing before sending: one oversized task and the others are not published either. */
    @Test
    void aBatchWithOneTaskOverTheProducersLimitPublishesNothing(TestKafka kafka) {
        String topic = kafka.createTopic("http-batch-large", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic,
                Map.of("JOBWIRE_KAFKA_MAX_REQUEST_SIZE", "2000"))) {
            HttpFixture.Response response = postJson(server, "/tasks/batch", "[{\"type\":\"small\",\"payload\":1},"
                    + "{\"type\":\"big\",\"payloadBase64\":\"" + java.util.Base64.getEncoder().encodeToString(new byte[3000])
                    + "\"},{\"type\":\"small\",\"payload\":3}]");
            var problem = assertProblem(response, 413, "record-too-large");
            assertThat(problem.get("errors")).singleElement().satisfies(e -> {
                assertThat(e.get("pointer").asText()).isEqualTo("/1");
                assertThat(e.get("detail").asText()).contains("payload 3000 bytes", "limit of 2000 bytes");
            });
            assertThat(kafka.read(topic, 1, Duration.ofSeconds(3))).isEmpty();
        }
    }

    /** What only the broker can refuse (the topic's own limit) is reported per task: 207, never an error status. */
    @Test
    void aBatchTheBrokerPartlyRefusesIs207WithEachTasksFate(TestKafka kafka) {
        String topic = "http-batch-207-" + java.util.UUID.randomUUID();
        kafka.createTopic(topic, 1, Map.of("max.message.bytes", "2000"));
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of())) {
            HttpFixture.Response response = postJson(server, "/tasks/batch", "[{\"type\":\"small\",\"payload\":1},"
                    + "{\"type\":\"big\",\"payloadBase64\":\"" + java.util.Base64.getEncoder().encodeToString(new byte[3000])
                    + "\"},{\"type\":\"small\",\"payload\":3}]");
            assertThat(response.status()).as(response.body()).isEqualTo(207);
            assertThat(response.contentType()).startsWith("application/json");
            JsonNode body = response.json();
            assertThat(body.get("published").asInt()).isEqualTo(2);
            assertThat(body.get("notPublished").asInt()).isEqualTo(1);
            JsonNode tasks = body.get("tasks");
            assertThat(tasks).extracting(t -> t.get("status").asText()).containsExactly("published", "failed", "published");
            assertThat(tasks.get(1).get("type").asText()).isEqualTo("urn:jobwire:problem:record-too-large");
            List<ConsumerRecord<byte[], byte[]>> records = kafka.read(topic, 2, Duration.ofSeconds(20));
            assertThat(records).extracting(r -> utf8(r.value())).containsExactly("1", "3");
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(
                    tasks.get(0).get("receipt").get("offset").asLong(), tasks.get(2).get("receipt").get("offset").asLong());
        }
    }

    @Test
    void healthMetricsAndUnknownRoutes(TestKafka kafka) {
        String topic = kafka.createTopic("http-metrics", 1);
        try (ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic, Map.of())) {
            assertThat(get(server, "/health/live").json().get("status").asText()).isEqualTo("UP");
            HttpFixture.Response ready = get(server, "/health/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(postJson(server, "/tasks", "{\"type\":\"report.build\",\"payload\":{}}").status()).isEqualTo(202);
            postJson(server, "/tasks", "{\"type\":\"report.build\"}");
            postJson(server, "/tasks", "nope");

            HttpFixture.Response metrics = get(server, "/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.contentType()).startsWith("text/plain");
            assertThat(metrics.body())
                    .contains("jobwire_producer_tasks_total{outcome=\"published\",type=\"report.build\"} 1.0")
                    .contains("jobwire_producer_tasks_total{outcome=\"rejected\",type=\"report.build\"} 1.0")
                    .contains("jobwire_producer_tasks_total{outcome=\"rejected\",type=\"invalid\"} 1.0")
                    .contains("jobwire_producer_requests_rejected_total{reason=\"invalid_request\"} 1.0")
                    .contains("jobwire_producer_requests_rejected_total{reason=\"malformed_json\"} 1.0")
                    .contains("jobwire_producer_publish_latency_seconds_count{outcome=\"published\"} 1")
                    .contains("jvm_memory_used_bytes")
                    .contains("kafka_producer_record_send_total");

            assertProblem(get(server, "/nope"), 404, "not-found");
            assertProblem(HttpFixture.send(server, HttpRequest.newBuilder(HttpFixture.uri(server, "/tasks")).GET()),
                    405, "method-not-allowed");
        }
    }

    @Test
    void closeStopsAcceptingAndFlushes(TestKafka kafka) {
        String topic = kafka.createTopic("http-close", 1);
        ProducerServer server = HttpFixture.start(kafka.bootstrapServers(), topic,
                Map.of("JOBWIRE_KAFKA_LINGER_MS", "200"));
        assertThat(postJson(server, "/tasks", "{\"type\":\"a\",\"payload\":{}}").status()).isEqualTo(202);
        server.close();
        server.close();
        assertThatThrownBy(() -> get(server, "/health/live")).isInstanceOf(UncheckedIOException.class);
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(20))).hasSize(1);
    }

    /** A problem+json body, with a way to add checks inline. */
    private record ProblemJson(JsonNode json) {
        JsonNode get(String member) {
            return json.get(member);
        }

        ProblemJson satisfies(java.util.function.Consumer<JsonNode> check) {
            check.accept(json);
            return this;
        }
    }

    private static ProblemJson assertProblem(HttpFixture.Response response, int status, String slug) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json;charset=utf-8");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asText()).isEqualTo("urn:jobwire:problem:" + slug);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
        return new ProblemJson(problem);
    }

    /** A 400 whose only field error is at {@code pointer}; {@code detail} null means any text. */
    private static void assertFieldError(HttpFixture.Response response, String pointer, String detail) {
        var problem = assertProblem(response, 400, "invalid-request");
        assertThat(problem.get("errors")).as(response.body()).hasSize(1);
        JsonNode error = problem.get("errors").get(0);
        assertThat(error.get("pointer").asText()).isEqualTo(pointer);
        if (detail != null) {
            assertThat(error.get("detail").asText()).isEqualTo(detail);
            assertThat(problem.get("detail").asText()).isEqualTo(detail);
        }
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
