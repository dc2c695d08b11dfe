package dev.jobwire.viewer;

import static dev.jobwire.viewer.ViewerTestSupport.TOKEN;
import static dev.jobwire.viewer.ViewerTestSupport.plant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.viewer.ViewerTestSupport.Api;
import dev.jobwire.viewer.ViewerTestSupport.Planted;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** DNS rebinding, read authentication, token guessing and strength, replay targets: against a real broker. */
@ExtendWith(RealKafkaExtension.class)
class ViewerSecurityIT {
    private static final String READ_TOKEN = "read-only-token-9876543210";
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

    private String plantOne(TestKafka kafka, String[] t) throws Exception {
        try (var producer = ViewerTestSupport.producer(kafka)) {
            return plant(producer, Planted.of(t[1], t[0], "email.send", "k", "boom"));
        }
    }

    private static void awaitTotal(Api api, int total, String... headers) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> r = api.get("/api/dead-letters?status=all", headers);
            return r.statusCode() == 200 && Json.MAPPER.readTree(r.body()).path("total").asInt() == total;
        });
    }

    @Test
    void aForeignHostIsRefusedSoDnsRebindingReadsNothing(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        String ref = plantOne(kafka, t);
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1])));
        awaitTotal(api, 1);

        // The attacker's page on evil.example, re-pointed at 127.0.0.1: same port, its own Host name.
        for (String path : List.of("/", "/app.js", "/api/dead-letters", "/api/dead-letters/" + ref, "/api/groups",
                "/api/config", "/metrics")) {
            String response = api.raw("GET", path, "evil.example:" + api.base().replaceAll(".*:", ""));
            assertThat(response).as(path).startsWith("HTTP/1.1 403").contains("unknown Host header").doesNotContain("boom");
        }
        String action = api.raw("POST", "/api/marks", "evil.example", "Content-Type", "application/json",
                "Authorization", "Bearer " + TOKEN, "Origin", "http://evil.example");
        assertThat(action).startsWith("HTTP/1.1 403");
        // The viewer's own names still work; the orchestrator's probes answer whatever the Host.
        assertThat(api.raw("GET", "/api/dead-letters", "localhost:8083")).startsWith("HTTP/1.1 200").contains("boom");
        assertThat(api.raw("GET", "/api/dead-letters", "127.0.0.1")).startsWith("HTTP/1.1 200");
        assertThat(api.raw("GET", "/health/live", "10.9.8.7:8083")).startsWith("HTTP/1.1 200");
        // An Origin naming the page is only "same origin" on one of the viewer's names.
        HttpResponse<String> ok = api.post("/api/marks", Map.of("refs", List.of(ref), "state", "RESOLVED"),
                "Authorization", "Bearer " + TOKEN, "Origin", api.base());
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void readsNeedATokenWhenReadAuthIsOnAndTheReadTokenCannotAct(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        String ref = plantOne(kafka, t);
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1]).toBuilder().readAuth(true).readToken(READ_TOKEN).build()));
        awaitTotal(api, 1, "Authorization", "Bearer " + READ_TOKEN);

        for (String path : List.of("/api/dead-letters", "/api/groups", "/api/facets", "/api/dead-letters/" + ref,
                "/api/config", "/api/replays", "/metrics", "/api/version")) {
            assertThat(api.get(path).statusCode()).as(path).isEqualTo(401);
            assertThat(api.get(path, "Authorization", "Bearer " + READ_TOKEN).statusCode()).as(path).isEqualTo(200);
        }
        // The page and its sign-in stay reachable, and say that reading needs a token.
        assertThat(api.get("/").statusCode()).isEqualTo(200);
        assertThat(api.getJson("/api/session").path("readAuth").asBoolean()).isTrue();
        assertThat(api.get("/health/ready").statusCode()).isEqualTo(200);

        // A browser session with the read token reads, but cannot act.
        HttpResponse<String> login = api.post("/api/session", Map.of("token", READ_TOKEN, "user", "viewer-only"));
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = Json.MAPPER.readTree(login.body()).path("csrfToken").asText();
        assertThat(Json.MAPPER.readTree(login.body()).path("canAct").asBoolean()).isFalse();
        assertThat(api.get("/api/dead-letters", "Cookie", cookie).statusCode()).isEqualTo(200);
        HttpResponse<String> act = api.post("/api/marks", Map.of("refs", List.of(ref), "state", "RESOLVED"),
                "Cookie", cookie, "X-CSRF-Token", csrf);
        assertThat(act.statusCode()).isEqualTo(403);
        assertThat(api.post("/api/marks", Map.of("refs", List.of(ref), "state", "RESOLVED"),
                "Authorization", "Bearer " + READ_TOKEN).statusCode()).isEqualTo(403);
        assertThat(api.post("/api/marks", Map.of("refs", List.of(ref), "state", "RESOLVED"),
                "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void readAuthIsOnByDefaultWhenBoundToANonLoopbackAddress() {
        ViewerConfig c = ViewerConfig.defaults("x:9092");
        assertThat(c.effectiveReadAuth()).isFalse();
        assertThat(c.withHttp("localhost", 0).effectiveReadAuth()).isFalse();
        assertThat(c.withHttp("::1", 0).effectiveReadAuth()).isFalse();
        assertThat(c.withHttp("0.0.0.0", 0).effectiveReadAuth()).isTrue();
        assertThat(c.withHttp("10.1.2.3", 0).effectiveReadAuth()).isTrue();
        assertThat(c.withHttp("viewer.example", 0).effectiveReadAuth()).isTrue();
        assertThat(c.withHttp("0.0.0.0", 0).toBuilder().readAuth(false).build().effectiveReadAuth()).isFalse();
    }

    @Test
    void tokenGuessingIsThrottledAndLoggedPerClient(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1])));
        Map<String, Object> body = Map.of("refs", List.of(t[1] + "/0/0"), "state", "RESOLVED");
        try (LogCapture logs = new LogCapture()) {
            // Five free guesses; the sixth blocks the client for a second.
            for (int i = 0; i < 6; i++) {
                assertThat(api.post("/api/marks", body, "Authorization", "Bearer guess-" + i).statusCode()).isEqualTo(401);
            }
            // Blocked: not even the right token is checked.
            HttpResponse<String> blocked = api.post("/api/marks", body, "Authorization", "Bearer " + TOKEN);
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(blocked.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(api.post("/api/session", Map.of("token", "guess")).statusCode()).isEqualTo(429); // sign-in too
            // Guessing on: each block is twice as long, so almost every guess is refused unchecked
            // (a slow machine may let a few through when a block runs out between two requests).
            int checked = 6;
            int refused = 0;
            for (int i = 0; i < 30; i++) {
                int status = api.post("/api/marks", body, "Authorization", "Bearer more-" + i).statusCode();
                checked += status == 401 ? 1 : 0;
                refused += status == 429 ? 1 : 0;
            }
            assertThat(refused).isGreaterThanOrEqualTo(24);
            assertThat(checked).isLessThanOrEqualTo(12);
            // Every checked failure is logged with the client; the blocked ones cost no log line.
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN Wrong viewer token (Bearer token) from 127.0.0.1"))
                    .hasSize(checked);
            assertThat(logs.lines()).anyMatch(l -> l.contains("6 failure(s) in a row; its next attempt is refused for 1000 ms"));
        }
    }

    @Test
    void weakTokensAreRefusedAtStartUp(TestKafka kafka) {
        String[] t = topics(kafka);
        assertThatThrownBy(() -> start(ViewerTestSupport.config(kafka, t[1]).withToken("change-me")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JOBWIRE_VIEWER_TOKEN is too weak");
        assertThatThrownBy(() -> start(ViewerTestSupport.config(kafka, t[1]).toBuilder().readToken("read").build()))
                .hasMessageContaining("JOBWIRE_VIEWER_READ_TOKEN is too weak");
    }

    @Test
    void aGeneratedTokenNeverReachesTheLog(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        try (LogCapture logs = new LogCapture()) {
            ViewerServer server = start(ViewerTestSupport.config(kafka, t[1]).withToken(null));
            String token = server.token();
            assertThat(token).hasSizeGreaterThanOrEqualTo(20);
            assertThat(logs.lines()).noneMatch(l -> l.contains(token));
            String hint = logs.lines().stream().filter(l -> l.contains("JOBWIRE_VIEWER_TOKEN is not set")).findFirst().orElseThrow();
            Path file = Path.of(hint.replaceAll(".* is in (\\S+) .*", "$1"));
            assertThat(Files.readString(file).trim()).isEqualTo(token);
            assertThat(Files.getPosixFilePermissions(file).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
            Files.delete(file);
        }
    }

    @Test
    void replaysGoOnlyToTheOriginalTopicOrAllowedTargets(TestKafka kafka) throws Exception {
        String[] t = topics(kafka);
        String other = "payments-" + UUID.randomUUID().toString().substring(0, 8);
        String allowed = "sandbox-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(other, 1, Map.of());
        kafka.createTopic(allowed, 1, Map.of());
        kafka.createTopic("_schemas", 1, Map.of("cleanup.policy", "compact"));
        String ref = plantOne(kafka, t);
        Api api = new Api(start(ViewerTestSupport.config(kafka, t[1]).toBuilder().replayTargets(List.of("sandbox-*")).build()));
        awaitTotal(api, 1);

        JsonNode refused = api.act("/api/replay", Map.of("refs", List.of(ref), "target", other));
        assertThat(refused.path("refused").asInt()).isEqualTo(1);
        assertThat(refused.path("items").get(0).path("result").asText()).contains("original topic (" + t[0] + ")");
        for (String internal : List.of("_schemas", "__consumer_offsets", "connect-configs", t[1])) {
            HttpResponse<String> r = api.post("/api/replay", Map.of("refs", List.of(ref), "target", internal),
                    "Authorization", "Bearer " + TOKEN);
            assertThat(r.statusCode()).as(internal).isEqualTo(400);
        }
        assertThat(kafka.read(other, 1, Duration.ofSeconds(1))).isEmpty();
        assertThat(kafka.read("_schemas", 1, Duration.ofSeconds(1))).isEmpty();

        JsonNode sent = api.act("/api/replay", Map.of("refs", List.of(ref), "target", allowed));
        assertThat(sent.path("sent").asInt()).isEqualTo(1);
        assertThat(kafka.read(allowed, 1, Duration.ofSeconds(10))).hasSize(1);
    }
}
