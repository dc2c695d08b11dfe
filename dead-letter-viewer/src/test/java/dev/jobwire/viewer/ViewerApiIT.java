package dev.jobwire.viewer;

import static dev.jobwire.viewer.ViewerTestSupport.TOKEN;
import static dev.jobwire.viewer.ViewerTestSupport.plant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.viewer.ViewerTestSupport.Api;
import dev.jobwire.viewer.ViewerTestSupport.Planted;
import dev.jobwire.viewer.index.SpringDltHeaders;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The viewer's JSON API against a real broker. Each test has its own topics and viewer. */
@ExtendWith(RealKafkaExtension.class)
class ViewerApiIT {
    private final Opened opened = new Opened();

    @AfterEach
    void closeAll() throws Exception {
        opened.close();
    }

    private static String[] topics(TestKafka kafka) {
        return ViewerTestSupport.topics(kafka, 3, 2);
    }

    private KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
        return opened.add(ViewerTestSupport.producer(kafka));
    }

    private ViewerServer start(ViewerConfig config) {
        return opened.viewer(config);
    }

    private static JsonNode awaitTotal(Api api, String query, int total) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = api.getJson("/api/dead-letters?" + query);
            return last[0].path("total").asInt() == total;
        });
        return last[0];
    }

    @Test
    void plantedDeadLettersAreListedNewestFirstWithTheirFields(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        var producer = producer(kafka);
        String first = plant(producer, Planted.of(t[1], t[0], "email.send", "customer-1", "SMTP timeout after 3000 ms"));
        String second = plant(producer, Planted.of(t[1], t[0], "pdf.render", "customer-2", "template 7 missing")
                .withException("java.lang.IllegalStateException"));
        ViewerServer server = start(ViewerTestSupport.config(kafka, t[1]));
        Api api = new Api(server);

        JsonNode list = awaitTotal(api, "", 2);
        await().atMost(Duration.ofSeconds(10)).until(server::isReady);
        JsonNode newest = list.path("items").get(0);
        assertThat(newest.path("ref").asText()).isEqualTo(second);
        assertThat(list.path("items").get(1).path("ref").asText()).isEqualTo(first);
        assertThat(newest.path("taskType").asText()).isEqualTo("pdf.render");
        assertThat(newest.path("reason").asText()).isEqualTo("RETRIES_EXHAUSTED");
        assertThat(newest.path("exceptionClass").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(newest.path("message").asText()).isEqualTo("template 7 missing");
        assertThat(newest.path("attempts").asInt()).isEqualTo(2);
        assertThat(newest.path("originalTopic").asText()).isEqualTo(t[0]);
        assertThat(newest.path("originalPartition").asInt()).isZero();
        assertThat(newest.path("originalOffset").asLong()).isEqualTo(17);
        assertThat(newest.path("key").asText()).isEqualTo("customer-2");

        // Detail: payload pretty-printed, every header, attempt history, stack trace.
        JsonNode detail = api.getJson("/api/dead-letters/" + second);
        assertThat(detail.path("onBroker").asBoolean()).isTrue();
        assertThat(detail.path("value").path("encoding").asText()).isEqualTo("json");
        assertThat(detail.path("value").path("text").asText()).contains("\"amount\" : 12");
        assertThat(detail.path("headers").findValuesAsText("key")).contains("team", "jobwire.task-id", "jobwire.dlt.reason");
        assertThat(detail.path("attemptHistory")).hasSize(2);
        assertThat(detail.path("stackTrace").asText()).contains("ChargeHandler.handle");
        assertThat(detail.path("worker").asText()).isEqualTo("worker-1");

        // Follows new dead letters without a restart.
        String third = plant(producer, Planted.of(t[1], t[0], "email.send", "customer-3", "SMTP timeout after 100 ms"));
        assertThat(awaitTotal(api, "", 3).path("items").get(0).path("ref").asText()).isEqualTo(third);

        // Paging.
        JsonNode page1 = api.getJson("/api/dead-letters?size=2&page=1");
        assertThat(page1.path("items")).hasSize(1);
        assertThat(page1.path("items").get(0).path("ref").asText()).isEqualTo(first);
    }

    @Test
    void filtersAndGroupingGiveTheRightAnswers(TestKafka kafka) throws Exception {
        String[] a = topics(kafka);
        String[] b = topics(kafka);
        var producer = producer(kafka);
        for (int i = 0; i < 3; i++) {
            plant(producer, Planted.of(a[1], a[0], "email.send", "c-" + i, "SMTP timeout after " + (1000 + i) + " ms for "
                    + UUID.randomUUID()));
        }
        plant(producer, Planted.of(a[1], a[0], "pdf.render", "c-9", "template 7 missing")
                .withException("java.lang.IllegalStateException").withHeaders(Map.of("tenant", "acme-corp")));
        plant(producer, new Planted(b[1], b[0], "email.send", "c-10", "{\"needle\":\"haystack-42\"}",
                "java.io.IOException", "SMTP timeout after 5 ms for " + UUID.randomUUID(), DeadLetterReason.EXPIRED, 0, Map.of()));
        ViewerServer server = start(ViewerTestSupport.config(kafka, a[1], b[1]));
        Api api = new Api(server);
        awaitTotal(api, "", 5);

        assertThat(api.getJson("/api/dead-letters?topic=" + b[1]).path("total").asInt()).isEqualTo(1);
        assertThat(api.getJson("/api/dead-letters?type=email.send").path("total").asInt()).isEqualTo(4);
        assertThat(api.getJson("/api/dead-letters?reason=EXPIRED").path("total").asInt()).isEqualTo(1);
        assertThat(api.getJson("/api/dead-letters?exception=java.lang.IllegalStateException").path("total").asInt()).isEqualTo(1);
        assertThat(api.getJson("/api/dead-letters?q=HAYSTACK-42").path("total").asInt()).isEqualTo(1); // payload
        assertThat(api.getJson("/api/dead-letters?q=acme-corp").path("total").asInt()).isEqualTo(1); // header value
        assertThat(api.getJson("/api/dead-letters?q=template").path("total").asInt()).isEqualTo(1); // message
        assertThat(api.getJson("/api/dead-letters?q=c-10").path("total").asInt()).isEqualTo(1); // key
        assertThat(api.getJson("/api/dead-letters?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z").path("total").asInt())
                .isZero();
        assertThat(api.getJson("/api/dead-letters?type=email.send&topic=" + a[1]).path("total").asInt()).isEqualTo(3);
        assertThat(api.get("/api/dead-letters?from=yesterday").statusCode()).isEqualTo(400);

        JsonNode groups = api.getJson("/api/groups");
        assertThat(groups.path("total").asInt()).isEqualTo(5);
        JsonNode biggest = groups.path("groups").get(0);
        assertThat(biggest.path("count").asInt()).isEqualTo(4); // ids and numbers masked: one group across topics
        assertThat(biggest.path("exceptionClass").asText()).isEqualTo("java.io.IOException");
        assertThat(biggest.path("normalizedMessage").asText()).isEqualTo("SMTP timeout after <n> ms for <uuid>");
        assertThat(biggest.path("topFrame").asText()).isEqualTo("com.acme.billing.ChargeHandler.handle");
        assertThat(biggest.path("taskTypes").path("email.send").asInt()).isEqualTo(4);
        assertThat(biggest.path("histogram")).hasSize(24);
        assertThat(groups.path("groups").get(1).path("count").asInt()).isEqualTo(1);
        String groupId = biggest.path("id").asText();
        assertThat(api.getJson("/api/dead-letters?group=" + groupId).path("total").asInt()).isEqualTo(4);
        assertThat(api.getJson("/api/groups?topic=" + a[1]).path("groups").get(0).path("count").asInt()).isEqualTo(3);
        JsonNode facets = api.getJson("/api/facets");
        assertThat(facets.path("taskTypes").path("email.send").asInt()).isEqualTo(4);
    }

    @Test
    void replayPutsTheExactOriginalRecordBackAndIsAudited(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        var producer = producer(kafka);
        Planted planted = Planted.of(t[1], t[0], "email.send", "customer-7", "SMTP timeout").withReplayCount(1);
        String ref = plant(producer, planted);
        ViewerConfig config = ViewerTestSupport.config(kafka, t[1]);
        ViewerServer server = start(config);
        Api api = new Api(server);
        awaitTotal(api, "", 1);
        ConsumerRecord<byte[], byte[]> deadLetter = kafka.read(t[1], 1, Duration.ofSeconds(10)).getFirst();

        // Dry run: shows the record, sends nothing.
        JsonNode dry = api.act("/api/replay", Map.of("refs", List.of(ref), "dryRun", true));
        assertThat(dry.path("wouldSend").asInt()).isEqualTo(1);
        assertThat(dry.path("records").get(0).path("topic").asText()).isEqualTo(t[0]);
        assertThat(dry.path("records").get(0).path("replayCount").asInt()).isEqualTo(2);
        assertThat(kafka.read(t[0], 1, Duration.ofSeconds(2))).isEmpty();

        JsonNode job = api.act("/api/replay", Map.of("refs", List.of(ref)));
        assertThat(job.path("state").asText()).isEqualTo("DONE");
        assertThat(job.path("sent").asInt()).isEqualTo(1);

        List<ConsumerRecord<byte[], byte[]>> replayed = kafka.read(t[0], 1, Duration.ofSeconds(10));
        assertThat(replayed).hasSize(1);
        ConsumerRecord<byte[], byte[]> r = replayed.getFirst();
        assertThat(r.key()).isEqualTo(deadLetter.key());
        assertThat(r.value()).isEqualTo(deadLetter.value());
        List<String> expectedHeaders = new ArrayList<>();
        for (Header h : deadLetter.headers()) {
            if (!h.key().startsWith("jobwire.dlt.") && !h.key().equals(TaskHeaders.REPLAY_COUNT)) {
                expectedHeaders.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        expectedHeaders.add(TaskHeaders.REPLAY_COUNT + "=2");
        expectedHeaders.add(TaskHeaders.REPLAY_OF + "=" + ref);
        List<String> actualHeaders = new ArrayList<>();
        r.headers().forEach(h -> actualHeaders.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8)));
        assertThat(actualHeaders).containsExactlyInAnyOrderElementsOf(expectedHeaders);

        // Audit record in the audit topic; the dead letter is marked replayed.
        List<ConsumerRecord<byte[], byte[]>> audit = kafka.read(config.auditTopic(), 1, Duration.ofSeconds(10));
        assertThat(audit).hasSize(1);
        JsonNode auditJson = Json.MAPPER.readTree(audit.getFirst().value());
        assertThat(auditJson.path("actor").asText()).startsWith("tester");
        assertThat(auditJson.path("items").get(0).path("ref").asText()).isEqualTo(ref);
        assertThat(auditJson.path("items").get(0).path("target").asText()).isEqualTo(t[0]);
        assertThat(auditJson.path("items").get(0).path("outcome").asText()).isEqualTo("SENT");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.getJson("/api/replays").path("audit").size() == 1);
        JsonNode item = api.getJson("/api/dead-letters").path("items").get(0);
        assertThat(item.path("mark").path("state").asText()).isEqualTo("REPLAYED");
        assertThat(api.getJson("/api/dead-letters?status=replayed").path("total").asInt()).isEqualTo(1);

        // Replaying the same dead letter again needs force.
        JsonNode again = api.act("/api/replay", Map.of("refs", List.of(ref)));
        assertThat(again.path("refused").asInt()).isEqualTo(1);
        assertThat(again.path("items").get(0).path("result").asText()).contains("already replayed");
    }

    @Test
    void loopGuardRefusesAndBulkReplayReportsProgress(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        var producer = producer(kafka);
        String looping = plant(producer, Planted.of(t[1], t[0], "email.send", "k-loop", "boom").withReplayCount(3));
        for (int i = 0; i < 4; i++) {
            plant(producer, Planted.of(t[1], t[0], "email.send", "k-" + i, "boom"));
        }
        ViewerServer server = start(ViewerTestSupport.config(kafka, t[1]).withLimits(1000, 3, 50));
        Api api = new Api(server);
        awaitTotal(api, "", 5);

        JsonNode single = api.act("/api/replay", Map.of("refs", List.of(looping)));
        assertThat(single.path("refused").asInt()).isEqualTo(1);
        assertThat(single.path("items").get(0).path("result").asText()).contains("loop guard");

        JsonNode job = api.act("/api/replay", Map.of("filter", Map.of("type", "email.send")));
        String id = job.path("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.getJson("/api/replays/" + id).path("state").asText().equals("DONE"));
        JsonNode done = api.getJson("/api/replays/" + id);
        assertThat(done.path("total").asInt()).isEqualTo(5);
        assertThat(done.path("sent").asInt()).isEqualTo(4);
        assertThat(done.path("refused").asInt()).isEqualTo(1); // the looping one, again
        assertThat(kafka.read(t[0], 4, Duration.ofSeconds(10))).hasSize(4);
        assertThat(api.get("/api/replays/no-such-job").statusCode()).isEqualTo(404);
    }

    @Test
    void marksAreSharedWithASecondViewerOnTheSameBroker(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        var producer = producer(kafka);
        String ref = plant(producer, Planted.of(t[1], t[0], "email.send", "k", "boom"));
        ViewerConfig config = ViewerTestSupport.config(kafka, t[1]);
        Api first = new Api(start(config));
        awaitTotal(first, "", 1);

        JsonNode marked = first.act("/api/marks", Map.of("refs", List.of(ref), "state", "RESOLVED", "note", "fixed upstream"));
        assertThat(marked.path("marked").asInt()).isEqualTo(1);

        Api second = new Api(start(config)); // same marks topic, fresh process state
        await().atMost(Duration.ofSeconds(30)).until(() -> second.getJson("/api/dead-letters?status=resolved").path("total").asInt() == 1);
        JsonNode mark = second.getJson("/api/dead-letters").path("items").get(0).path("mark");
        assertThat(mark.path("by").asText()).startsWith("tester");
        assertThat(mark.path("note").asText()).isEqualTo("fixed upstream");

        second.act("/api/marks", Map.of("refs", List.of(ref), "state", "OPEN"));
        await().atMost(Duration.ofSeconds(30)).until(() -> first.getJson("/api/dead-letters?status=open").path("total").asInt() == 1);
    }

    @Test
    void readOnlyModeRefusesActions(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        String ref = plant(producer(kafka), Planted.of(t[1], t[0], "email.send", "k", "boom"));
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1]).withReadOnly(true)));
        awaitTotal(api, "", 1);
        assertThat(api.getJson("/api/config").path("readOnly").asBoolean()).isTrue();
        HttpResponse<String> replay = api.post("/api/replay", Map.of("refs", List.of(ref)), "Authorization", "Bearer " + TOKEN);
        assertThat(replay.statusCode()).isEqualTo(403);
        assertThat(replay.body()).contains("read-only");
        assertThat(api.post("/api/marks", Map.of("refs", List.of(ref), "state", "RESOLVED"), "Authorization", "Bearer " + TOKEN)
                .statusCode()).isEqualTo(403);
        assertThat(api.post("/api/session", Map.of("token", TOKEN)).statusCode()).isEqualTo(403);
        assertThat(kafka.read(t[0], 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void unauthenticatedCrossOriginAndCsrfLessActionsAreRefused(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        String ref = plant(producer(kafka), Planted.of(t[1], t[0], "email.send", "k", "boom"));
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1])));
        awaitTotal(api, "", 1);
        Map<String, Object> body = Map.of("refs", List.of(ref), "state", "RESOLVED");

        assertThat(api.post("/api/marks", body).statusCode()).isEqualTo(401);
        assertThat(api.post("/api/marks", body, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(api.post("/api/session", Map.of("token", "wrong")).statusCode()).isEqualTo(401);

        // A browser session: cookie alone is not enough, the CSRF header must match.
        HttpResponse<String> login = api.post("/api/session", Map.of("token", TOKEN, "user", "ann"));
        assertThat(login.statusCode()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = Json.MAPPER.readTree(login.body()).path("csrfToken").asText();
        assertThat(api.post("/api/marks", body, "Cookie", cookie).statusCode()).isEqualTo(403);
        assertThat(api.post("/api/marks", body, "Cookie", cookie, "X-CSRF-Token", "nope").statusCode()).isEqualTo(403);
        // Cross-site: foreign Origin or Sec-Fetch-Site refused even with valid credentials.
        assertThat(api.post("/api/marks", body, "Cookie", cookie, "X-CSRF-Token", csrf, "Origin", "http://evil.example")
                .statusCode()).isEqualTo(403);
        assertThat(api.post("/api/marks", body, "Cookie", cookie, "X-CSRF-Token", csrf, "Sec-Fetch-Site", "cross-site")
                .statusCode()).isEqualTo(403);
        // A form post (not JSON) is refused before anything else is looked at.
        var formPost = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + "/api/marks"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("refs=" + ref))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie).build();
        assertThat(java.net.http.HttpClient.newHttpClient().send(formPost, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(415);
        assertThat(api.getJson("/api/dead-letters?status=open").path("total").asInt()).isEqualTo(1);

        HttpResponse<String> ok = api.post("/api/marks", body, "Cookie", cookie, "X-CSRF-Token", csrf,
                "Origin", api.base());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(api.getJson("/api/dead-letters?status=resolved").path("total").asInt()).isEqualTo(1);
        // Replaying a reference outside the followed dead-letter topics is refused.
        assertThat(api.post("/api/replay", Map.of("refs", List.of(t[0] + "/0/0")), "Authorization", "Bearer " + TOKEN)
                .statusCode()).isEqualTo(400);
    }

    @Test
    void staticFilesHaveSecurityHeadersAndPathTraversalGets404(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1])));
        HttpResponse<String> page = api.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'").contains("script-src 'self'").contains("object-src 'none'")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(api.get("/app.js").headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(api.get("/app.css").statusCode()).isEqualTo(200);
        assertThat(api.get("/api/dead-letters").headers().firstValue("Content-Security-Policy")).isPresent();

        for (String path : List.of("/../pom.xml", "/%2e%2e/%2e%2e/etc/passwd", "/web/../../../etc/passwd",
                "/app.js/../../pom.xml", "/..%2f..%2fetc%2fpasswd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/index.html",
                "/web/app.js", "/dev/jobwire/viewer/ViewerServer.class", "/nope", "/app.js%00.html")) {
            HttpResponse<String> r = api.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("root:").doesNotContain("<project").doesNotContain(path);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        }
    }

    @Test
    void springKafkaAndUndecodableDeadLettersAreReadable(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        var producer = producer(kafka);
        RecordHeaders spring = new RecordHeaders();
        spring.add(SpringDltHeaders.ORIGINAL_TOPIC, t[0].getBytes(StandardCharsets.UTF_8));
        spring.add(SpringDltHeaders.ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(2).array());
        spring.add(SpringDltHeaders.ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(12345L).array());
        spring.add(SpringDltHeaders.ORIGINAL_TIMESTAMP, ByteBuffer.allocate(8).putLong(1_767_225_600_000L).array());
        spring.add(SpringDltHeaders.ORIGINAL_TIMESTAMP_TYPE, "CreateTime".getBytes(StandardCharsets.UTF_8));
        spring.add(SpringDltHeaders.ORIGINAL_CONSUMER_GROUP, "orders-service".getBytes(StandardCharsets.UTF_8));
        spring.add(SpringDltHeaders.EXCEPTION_FQCN,
                "org.springframework.kafka.listener.ListenerExecutionFailedException".getBytes(StandardCharsets.UTF_8));
        spring.add(SpringDltHeaders.EXCEPTION_MESSAGE, "Listener failed; order 991 not found".getBytes(StandardCharsets.UTF_8));
        spring.add(SpringDltHeaders.EXCEPTION_STACKTRACE,
                "org.springframework...: Listener failed\n\tat com.acme.orders.OrderListener.on(OrderListener.java:20)\n"
                        .getBytes(StandardCharsets.UTF_8));
        spring.add("__TypeId__", "com.acme.Order".getBytes(StandardCharsets.UTF_8));
        var md = producer.send(new ProducerRecord<>(t[1], null, "order-991".getBytes(StandardCharsets.UTF_8),
                "{\"order\":991}".getBytes(StandardCharsets.UTF_8), spring)).get();
        String springRef = t[1] + "/" + md.partition() + "/" + md.offset();
        // No dead-letter headers at all, binary payload: listed with a decode error, never crashes the reader.
        var junk = producer.send(new ProducerRecord<>(t[1], null, new byte[] {0, 1, 2}, new byte[] {(byte) 0xff, 0, 7})).get();
        String junkRef = t[1] + "/" + junk.partition() + "/" + junk.offset();
        RecordHeaders badReason = new RecordHeaders();
        HeaderValues.put(badReason, "jobwire.dlt.format", "1");
        HeaderValues.put(badReason, "jobwire.dlt.reason", "NOT_A_REASON");
        producer.send(new ProducerRecord<>(t[1], null, (byte[]) null, "x".getBytes(StandardCharsets.UTF_8), badReason)).get();

        ViewerServer server = start(ViewerTestSupport.config(kafka, t[1]));
        Api api = new Api(server);
        awaitTotal(api, "", 3);
        await().atMost(Duration.ofSeconds(10)).until(server::isReady);

        JsonNode d = api.getJson("/api/dead-letters/" + springRef);
        assertThat(d.path("entry").path("format").asText()).isEqualTo("spring");
        assertThat(d.path("entry").path("originalTopic").asText()).isEqualTo(t[0]);
        assertThat(d.path("entry").path("originalPartition").asInt()).isEqualTo(2);
        assertThat(d.path("entry").path("originalOffset").asLong()).isEqualTo(12345L);
        assertThat(d.path("entry").path("exceptionClass").asText()).endsWith("ListenerExecutionFailedException");
        assertThat(d.path("entry").path("message").asText()).isEqualTo("Listener failed; order 991 not found");
        assertThat(d.path("originalTimestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(d.path("consumerGroup").asText()).isEqualTo("orders-service");
        assertThat(d.path("stackTrace").asText()).contains("OrderListener.on");
        assertThat(d.path("headers").toString()).contains("12345");

        JsonNode j = api.getJson("/api/dead-letters/" + junkRef);
        assertThat(j.path("entry").path("decodeError").asText()).contains("no dead-letter headers");
        assertThat(j.path("value").path("encoding").asText()).isEqualTo("hex");
        assertThat(j.path("value").path("text").asText()).isEqualTo("ff0007");
        assertThat(api.getJson("/api/dead-letters?q=not_a_reason").path("total").asInt()).isEqualTo(1);

        // A Spring dead letter replays to its original topic without the kafka_dlt-* headers.
        JsonNode job = api.act("/api/replay", Map.of("refs", List.of(springRef)));
        assertThat(job.path("sent").asInt()).isEqualTo(1);
        ConsumerRecord<byte[], byte[]> replayed = kafka.read(t[0], 1, Duration.ofSeconds(10)).getFirst();
        replayed.headers().forEach(h -> assertThat(h.key()).doesNotStartWith("kafka_dlt-"));
        assertThat(HeaderValues.last(replayed.headers(), "__TypeId__")).isEqualTo("com.acme.Order");
        // The undecodable one has no known original topic: refused unless a target is chosen.
        assertThat(api.act("/api/replay", Map.of("refs", List.of(junkRef))).path("refused").asInt()).isEqualTo(1);
    }

    @Test
    void healthAndMetrics(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        ViewerServer server = start(ViewerTestSupport.config(kafka, t[1]));
        Api api = new Api(server);
        assertThat(api.get("/health/live").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/health/ready").statusCode() == 200);
        HttpResponse<String> metrics = api.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jobwire_viewer_dead_letters_indexed").contains("jvm_memory_used_bytes");
    }
}
