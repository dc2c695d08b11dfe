package dev.jobwire.producer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobwire.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bearer auth, server settings and problem bodies: no server, no broker. */
class HttpPiecesTest {

    @Test
    void bearerAuth() {
        BearerAuth auth = new BearerAuth("tok3n");
        assertThat(auth.enabled()).isTrue();
        assertThat(auth.permits("Bearer tok3n")).isTrue();
        assertThat(auth.permits("bearer  tok3n ")).isTrue();
        assertThat(auth.permits("Bearer tok3n2")).isFalse();
        assertThat(auth.permits("Bearer ")).isFalse();
        assertThat(auth.permits("tok3n")).isFalse();
        assertThat(auth.permits(null)).isFalse();
        BearerAuth open = new BearerAuth(" ");
        assertThat(open.enabled()).isFalse();
        assertThat(open.permits(null)).isTrue();
    }

    @Test
    void serverConfigDefaults() {
        ServerConfig config = ServerConfig.fromSettings(new Settings(Map.of()));
        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.topic()).isEqualTo("jobwire.tasks");
        assertThat(config.allowedTopics()).containsExactly("jobwire.tasks");
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8081);
        assertThat(config.authToken()).isNull();
        assertThat(config.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(config.maxBatchSize()).isEqualTo(1000);
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.kafkaProperties()).isEmpty();
    }

    @Test
    void idleTimeoutOutlastsTheWaitForTheBroker() {
        ServerConfig longPublish = ServerConfig.fromSettings(new Settings(Map.of("JOBWIRE_PUBLISH_TIMEOUT", "60s")));
        assertThat(longPublish.idleTimeout()).isEqualTo(Duration.ofSeconds(65));
        ServerConfig set = ServerConfig.fromSettings(new Settings(Map.of("JOBWIRE_HTTP_READ_TIMEOUT", "2s",
                "JOBWIRE_HTTP_IDLE_TIMEOUT", "12s")));
        assertThat(set.readTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.idleTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThatThrownBy(() -> ServerConfig.fromSettings(new Settings(Map.of("JOBWIRE_HTTP_IDLE_TIMEOUT", "11s"))))
                .hasMessage("JOBWIRE_HTTP_IDLE_TIMEOUT=PT11S must be longer than JOBWIRE_PUBLISH_TIMEOUT (PT10S) + 1s: "
                        + "a request waits that long for the broker's answer");
        assertThatThrownBy(() -> ServerConfig.fromSettings(new Settings(Map.of("JOBWIRE_HTTP_READ_TIMEOUT", "10ms"))))
                .hasMessageContaining("too short");
    }

    @Test
    void serverConfigFromEnvironment() {
        ServerConfig config = ServerConfig.fromSettings(new Settings(Map.of(
                "JOBWIRE_BOOTSTRAP_SERVERS", "k1:9093,k2:9093", "JOBWIRE_TOPIC", "team-a", "JOBWIRE_ALLOWED_TOPICS", " team-b, team-c ",
                "JOBWIRE_HTTP_PORT", "0", "JOBWIRE_AUTH_TOKEN", "t", "JOBWIRE_PUBLISH_TIMEOUT", "3s",
                "JOBWIRE_DELIVERY_TIMEOUT", "20s", "JOBWIRE_KAFKA_SECURITY_PROTOCOL", "SSL")));
        assertThat(config.allowedTopics()).containsExactly("team-a", "team-b", "team-c");
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThat(config.toString()).doesNotContain("=t,").contains("authToken=***");
        assertThatThrownBy(() -> ServerConfig.fromSettings(new Settings(Map.of("JOBWIRE_HTTP_PORT", "http"))))
                .hasMessage("JOBWIRE_HTTP_PORT='http' is invalid: expected a whole number from 0 to 65535");
        assertThatThrownBy(() -> ServerConfig.fromSettings(new Settings(Map.of("JOBWIRE_PUBLISH_TIMEOUT", "500ms"))))
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> ServerConfig.fromSettings(new Settings(Map.of("JOBWIRE_ALLOWED_TOPICS", "a b"))))
                .hasMessageStartingWith("JOBWIRE_ALLOWED_TOPICS: topic 'a b'");
    }

    @Test
    void problemJson() {
        Problem problem = Problem.of(400, "invalid-request", "Invalid Request", "2 problems; see errors")
                .withErrors(List.of(new FieldError("/0/type", "task type is required"), new FieldError("", "x")));
        assertThat(problem.toJson().toString()).isEqualTo("{\"type\":\"urn:jobwire:problem:invalid-request\","
                + "\"title\":\"Invalid Request\",\"status\":400,\"detail\":\"2 problems; see errors\",\"errors\":["
                + "{\"pointer\":\"/0/type\",\"detail\":\"task type is required\"},{\"pointer\":\"\",\"detail\":\"x\"}]}");
        assertThat(problem.summary()).isEqualTo("400 invalid-request: 2 problems; see errors; /0/type: task type is required; (body): x");
        assertThat(Problem.CONTENT_TYPE).isEqualTo("application/problem+json;charset=utf-8");
        assertThat(Problem.of(400, "x", "X", "type 'café…'").toUtf8()).containsSequence(0xc3, 0xa9, 0xe2, 0x80, 0xa6);
    }

    @Test
    void problemSummaryForTheLogIsOneLine() {
        Problem problem = Problem.of(400, "invalid-request", "Invalid Request", "x").withErrors(List.of(
                new FieldError("/headers/a\r\n12:00:00 INFO forged", "header name 'a\\r\\n...' holds U+000D")));
        assertThat(problem.summary()).isEqualTo("400 invalid-request: /headers/a\\r\\n12:00:00 INFO forged: "
                + "header name 'a\\r\\n...' holds U+000D");
        assertThat(Problem.of(400, "x", "X", "task type 'a\u2028b'").summary()).doesNotContain("\u2028").contains("\\u2028");
    }

    @Test
    void jettysOwnRefusalsAreProblems() {
        Problem headers = ProblemErrorHandler.problem(431, "Request Header Fields Too Large", 8192);
        assertThat(headers.slug()).isEqualTo("request-header-fields-too-large");
        assertThat(headers.detail()).isEqualTo("the request line and headers are larger than 8192 bytes");
        assertThat(ProblemErrorHandler.problem(414, null, 8192).slug()).isEqualTo("uri-too-long");
        assertThat(ProblemErrorHandler.problem(400, "Illegal character CNTL=0x0", 8192).detail())
                .isEqualTo("the request is not valid HTTP/1.1: Illegal character CNTL=0x0");
        assertThat(ProblemErrorHandler.problem(505, null, 8192).slug()).isEqualTo("http-version-not-supported");
    }
}
