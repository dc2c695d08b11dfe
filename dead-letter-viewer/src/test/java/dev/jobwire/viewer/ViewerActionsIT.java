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
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The loop guard, the audit of every action, replay outcomes, dry runs as jobs and marks: against a real broker. */
@ExtendWith(RealKafkaExtension.class)
class ViewerActionsIT {
    private final Opened opened = new Opened();

    @AfterEach
    void closeAll() throws Exception {
        opened.close();
    }

    private static String[] topics(TestKafka kafka) {
        return ViewerTestSupport.topics(kafka, 1, 1);
    }

    private ViewerServer start(ViewerConfig config) {
        return opened.viewer(config);
    }

    private static void awaitTotal(Api api, int total) {
        await().atMost(Duration.ofSeconds(30)).until(() -> api.getJson("/api/dead-letters?status=all").path("total").asInt() == total);
    }

    /** The audit topic's records, as JSON, once {@code n} are there. */
    private static List<JsonNode> audit(TestKafka kafka, ViewerConfig config, int n) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.read(config.auditTopic(), n, Duration.ofSeconds(15))) {
            out.add(Json.MAPPER.readTree(r.value()));
        }
        return out;
    }

    @Test
    void forcedReplaysOfTheSameDeadLetterStopAtTheLimitUnlessOverriddenWithAReason(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        String ref;
        try (var producer = ViewerTestSupport.producer(kafka)) {
            ref = plant(producer, Planted.of(t[1], t[0], "email.send", "k", "boom"));
        }
        ViewerConfig config = ViewerTestSupport.config(kafka, t[1]);
        Api api = new Api(start(config));
        awaitTotal(api, 1);

        for (int i = 1; i <= 3; i++) {
            JsonNode job = api.act("/api/replay", Map.of("refs", List.of(ref), "force", true));
            assertThat(job.path("sent").asInt()).as("replay %d", i).isEqualTo(1);
        }
        JsonNode fourth = api.act("/api/replay", Map.of("refs", List.of(ref), "force", true));
        assertThat(fourth.path("sent").asInt()).isZero();
        assertThat(fourth.path("items").get(0).path("result").asText()).contains("loop guard").contains("replay 4");
        // Each copy carries its own number: 1, 2, 3 (not three times "1").
        List<String> counts = kafka.read(t[0], 3, Duration.ofSeconds(10)).stream()
                .map(r -> HeaderValues.last(r.headers(), TaskHeaders.REPLAY_COUNT)).toList();
        assertThat(counts).containsExactly("1", "2", "3");
        assertThat(api.getJson("/api/dead-letters?status=all").path("items").get(0).path("mark").path("replays").asInt())
                .isEqualTo(3);

        // An override needs a reason; with one it goes through and the audit says who and why.
        HttpResponse<String> noReason = api.post("/api/replay", Map.of("refs", List.of(ref), "force", true, "override", " x "),
                "Authorization", "Bearer " + TOKEN);
        assertThat(noReason.statusCode()).isEqualTo(400);
        JsonNode overridden = api.act("/api/replay", Map.of("refs", List.of(ref), "force", true,
                "override", "INC-4711 provider fixed, handler idempotent"));
        assertThat(overridden.path("sent").asInt()).isEqualTo(1);
        assertThat(overridden.path("items").get(0).path("result").asText()).contains("replay 4").contains("overridden");
        assertThat(HeaderValues.last(kafka.read(t[0], 4, Duration.ofSeconds(10)).get(3).headers(), TaskHeaders.REPLAY_COUNT))
                .isEqualTo("4");
        JsonNode last = audit(kafka, config, 5).getLast();
        assertThat(last.path("action").asText()).isEqualTo("REPLAY");
        assertThat(last.path("override").asText()).isEqualTo("INC-4711 provider fixed, handler idempotent");
        assertThat(last.path("actor").asText()).startsWith("tester (");
        // A second viewer (fresh memory, same marks topic) knows the count too.
        Api second = new Api(start(config));
        awaitTotal(second, 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> second.getJson("/api/dead-letters?status=all").path("items").get(0)
                .path("mark").path("replays").asInt() == 4);
        assertThat(second.act("/api/replay", Map.of("refs", List.of(ref), "force", true)).path("refused").asInt()).isEqualTo(1);
    }

    @Test
    void malformedReplayCountsCountAsTheLimit(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        List<String> refs = new ArrayList<>();
        try (var producer = ViewerTestSupport.producer(kafka)) {
            for (String count : List.of("2147483647", "-3", "many")) {
                Planted p = Planted.of(t[1], t[0], "email.send", "k-" + count, "boom")
                        .withHeaders(Map.of(TaskHeaders.REPLAY_COUNT, count));
                refs.add(plant(producer, p));
            }
        }
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1])));
        awaitTotal(api, 3);
        JsonNode job = api.act("/api/replay", Map.of("refs", refs));
        assertThat(job.path("refused").asInt()).isEqualTo(3);
        assertThat(job.path("items").findValuesAsText("result")).allMatch(r -> r.contains("loop guard"));
        assertThat(kafka.read(t[0], 1, Duration.ofSeconds(1))).isEmpty();
        JsonNode listed = api.getJson("/api/dead-letters?status=all&q=k-many");
        assertThat(listed.path("items").get(0).path("replayCountMalformed").asBoolean()).isTrue();
    }

    @Test
    void everyActionIsAuditedAndReopeningKeepsWhoResolved(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        List<String> refs = new ArrayList<>();
        try (var producer = ViewerTestSupport.producer(kafka)) {
            for (int i = 0; i < 60; i++) {
                refs.add(plant(producer, Planted.of(t[1], t[0], "email.send", "k-" + i, "boom")));
            }
        }
        ViewerConfig config = ViewerTestSupport.config(kafka, t[1]).withLimits(1_000, 3, 5);
        Api api = new Api(start(config));
        awaitTotal(api, 60);

        api.act("/api/marks", Map.of("refs", List.of(refs.get(0), t[1] + "/0/99999"), "state", "RESOLVED", "note", "fixed upstream"));
        api.act("/api/marks", Map.of("refs", List.of(refs.get(0), refs.get(1)), "state", "OPEN"));
        // A slow replay (5/s) of 58 dead letters, cancelled while it runs.
        JsonNode job = api.act("/api/replay", Map.of("refs", refs.subList(2, 60)));
        assertThat(job.path("state").asText()).isEqualTo("RUNNING");
        api.act("/api/replays/" + job.path("id").asText() + "/cancel", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> !api.getJson("/api/replays/" + job.path("id").asText())
                .path("state").asText().equals("RUNNING"));

        Map<String, JsonNode> byAction = new HashMap<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode a : audit(kafka, config, 4)) {
                byAction.put(a.path("action").asText(), a);
            }
            return byAction.keySet().containsAll(List.of("RESOLVE", "REOPEN", "REPLAY", "CANCEL"));
        });
        JsonNode resolve = byAction.get("RESOLVE");
        assertThat(resolve.path("actor").asText()).startsWith("tester (127.0.0.1)");
        assertThat(resolve.path("at").asText()).isNotBlank();
        assertThat(resolve.path("selection").path("refs").asInt()).isEqualTo(2);
        assertThat(resolve.path("done").asInt()).isEqualTo(1);
        assertThat(resolve.path("refused").asInt()).isEqualTo(1); // marks only for dead letters that exist
        assertThat(resolve.path("items").get(1).path("result").asText()).isEqualTo("no such dead letter");
        JsonNode reopen = byAction.get("REOPEN");
        assertThat(reopen.path("items").get(0).path("result").asText()).isEqualTo("was RESOLVED");
        assertThat(reopen.path("items").get(1).path("outcome").asText()).isEqualTo("REFUSED"); // already open
        assertThat(byAction.get("CANCEL").path("selection").path("job").asText()).isEqualTo(job.path("id").asText());
        assertThat(byAction.get("REPLAY").path("selection").path("refs").asInt()).isEqualTo(58);

        // Re-opened, but who resolved it is still known.
        JsonNode mark = api.getJson("/api/dead-letters/" + refs.get(0)).path("entry").path("mark");
        assertThat(mark.path("state").asText()).isEqualTo("OPEN");
        assertThat(mark.path("previous").path("state").asText()).isEqualTo("RESOLVED");
        assertThat(mark.path("previous").path("note").asText()).isEqualTo("fixed upstream");
        // The page's audit trail shows every action.
        await().atMost(Duration.ofSeconds(10)).until(() -> api.getJson("/api/replays").path("audit").findValuesAsText("action")
                .containsAll(List.of("RESOLVE", "REOPEN", "REPLAY", "CANCEL")));
    }

    @Test
    void aReplayedDeadLetterLinksToWhatItsReplayBecame(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        String failing;
        String fine;
        try (var producer = ViewerTestSupport.producer(kafka)) {
            failing = plant(producer, Planted.of(t[1], t[0], "email.send", "k-1", "boom"));
            fine = plant(producer, Planted.of(t[1], t[0], "email.send", "k-2", "boom"));
        }
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1]).toBuilder()
                .replayOutcomeWindow(Duration.ofSeconds(2)).build()));
        awaitTotal(api, 2);
        api.act("/api/replay", Map.of("refs", List.of(failing, fine)));
        assertThat(api.getJson("/api/dead-letters/" + fine).path("entry").path("outcome").path("state").asText())
                .isEqualTo("PENDING");
        // The worker fails the first replay again: the new dead letter carries jobwire.replay-of.
        String again;
        try (var producer = ViewerTestSupport.producer(kafka)) {
            again = plant(producer, Planted.of(t[1], t[0], "email.send", "k-1", "boom")
                    .withHeaders(Map.of(TaskHeaders.REPLAY_OF, failing, TaskHeaders.REPLAY_COUNT, "1")));
        }
        awaitTotal(api, 3);
        JsonNode outcome = api.getJson("/api/dead-letters/" + failing).path("entry").path("outcome");
        assertThat(outcome.path("state").asText()).isEqualTo("FAILED_AGAIN");
        assertThat(outcome.path("newDeadLetters").get(0).asText()).isEqualTo(again);
        assertThat(outcome.path("replayedTo").asText()).startsWith(t[0] + "/0/");
        assertThat(api.getJson("/api/dead-letters/" + again).path("entry").path("replayOf").asText()).isEqualTo(failing);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.getJson("/api/dead-letters/" + fine).path("entry")
                .path("outcome").path("state").asText().equals("SUCCEEDED"));
    }

    @Test
    void largeDryRunsRunAsJobsWithProgress(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        try (var producer = ViewerTestSupport.producer(kafka)) {
            for (int i = 0; i < 120; i++) {
                plant(producer, Planted.of(t[1], t[0], "email.send", "k-" + i, "boom").withReplayCount(i % 4 == 0 ? 3 : 0));
            }
        }
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1])));
        awaitTotal(api, 120);
        HttpResponse<String> started = api.post("/api/replay", Map.of("filter", Map.of("status", "open"), "dryRun", true),
                "Authorization", "Bearer " + TOKEN);
        assertThat(started.statusCode()).isIn(200, 202);
        String id = Json.MAPPER.readTree(started.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.getJson("/api/replays/" + id).path("state").asText().equals("DONE"));
        JsonNode done = api.getJson("/api/replays/" + id);
        assertThat(done.path("dryRun").asBoolean()).isTrue();
        assertThat(done.path("total").asInt()).isEqualTo(120);
        assertThat(done.path("processed").asInt()).isEqualTo(120);
        assertThat(done.path("wouldSend").asInt()).isEqualTo(90);
        assertThat(done.path("refused").asInt()).isEqualTo(30);
        assertThat(done.path("sent").asInt()).isZero();
        assertThat(done.path("records")).hasSize(90);
        assertThat(kafka.read(t[0], 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void marksOfDeadLettersDeletedByRetentionAreTrimmed(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        List<String> refs = new ArrayList<>();
        try (var producer = ViewerTestSupport.producer(kafka)) {
            for (int i = 0; i < 3; i++) {
                refs.add(plant(producer, Planted.of(t[1], t[0], "email.send", "k-" + i, "boom")));
            }
        }
        ViewerConfig config = ViewerTestSupport.config(kafka, t[1]).toBuilder().markTrimInterval(Duration.ofMillis(500)).build();
        Api api = new Api(start(config));
        awaitTotal(api, 3);
        api.act("/api/marks", Map.of("refs", refs, "state", "RESOLVED"));
        try (var admin = kafka.admin()) {
            admin.deleteRecords(Map.of(new TopicPartition(t[1], 0), RecordsToDelete.beforeOffset(2))).all().get();
        }
        // The two deleted dead letters lose their marks (tombstones); the one still there keeps it.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            List<ConsumerRecord<byte[], byte[]>> marks = kafka.read(config.marksTopic(), 5, Duration.ofSeconds(2));
            return marks.stream().filter(r -> r.value() == null).count() == 2;
        });
        JsonNode listed = api.getJson("/api/dead-letters?status=resolved");
        assertThat(listed.path("total").asInt()).isEqualTo(1);
        assertThat(listed.path("items").get(0).path("ref").asText()).isEqualTo(refs.get(2));
    }

    @Test
    void aHugePageIsAnEmptyPageNotAnError(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        try (var producer = ViewerTestSupport.producer(kafka)) {
            plant(producer, Planted.of(t[1], t[0], "email.send", "k", "boom"));
        }
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1])));
        awaitTotal(api, 1);
        try (LogCapture logs = new LogCapture()) {
            for (String page : List.of("2147483647", "99999999999999999999")) {
                HttpResponse<String> r = api.get("/api/dead-letters?status=all&size=500&page=" + page);
                assertThat(r.statusCode()).as(page).isIn(200, 400);
                if (r.statusCode() == 200) {
                    assertThat(Json.MAPPER.readTree(r.body()).path("items")).isEmpty();
                }
            }
            assertThat(api.get("/api/groups?page=2147483647&size=200").statusCode()).isEqualTo(200);
            assertThat(logs.lines()).noneMatch(l -> l.startsWith("ERROR"));
        }
    }
}
