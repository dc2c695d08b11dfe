package dev.jobwire.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.producer.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskJsonParserTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private final TaskJsonParser parser = new TaskJsonParser(Set.of("jobwire.tasks", "team-b"), 3);

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void parsesEveryField() throws Exception {
        TaskJsonParser.Result result = parser.parseOne(json("""
                {"type": "email.send", "payload": {"to": "a@b.c", "n": [1, 2.50]}, "contentType": "application/vnd.x+json",
                 "key": "k", "headers": {"tenant": "acme"}, "deadline": "2026-01-01T02:05:00+01:00",
                 "traceparent": "%s", "topic": "team-b"}
                """.formatted(TRACEPARENT)), null, NOW);
        assertThat(result.errors()).isEmpty();
        TaskRequest request = result.requests().getFirst();
        assertThat(request.type()).isEqualTo("email.send");
        assertThat(new String(request.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"to\":\"a@b.c\",\"n\":[1,2.50]}");
        assertThat(request.contentType()).isEqualTo("application/vnd.x+json");
        assertThat(request.key()).isEqualTo("k");
        assertThat(request.headers()).containsExactlyEntriesOf(java.util.Map.of("tenant", "acme"));
        assertThat(request.deadline()).isEqualTo(Instant.parse("2026-01-01T01:05:00Z"));
        assertThat(request.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(request.topic()).isEqualTo("team-b");
    }

    @Test
    void deadlineWithOffsetIsCheckedAgainstNowInUtc() throws Exception {
        // 00:05+01:00 is 23:05Z the day before: in the past
        TaskJsonParser.Result result = parser.parseOne(json("""
                {"type": "t", "payload": 1, "deadline": "2026-01-01T00:05:00+01:00"}"""), null, NOW);
        assertThat(result.errors()).extracting(FieldError::pointer).containsExactly("/deadline");
    }

    @Test
    void defaultsAndTheTraceparentHeader() throws Exception {
        TaskRequest json = parser.parseOne(json("{\"type\":\"t\",\"payload\":\"x\"}"), TRACEPARENT, NOW).requests().getFirst();
        assertThat(json.contentType()).isEqualTo("application/json");
        assertThat(new String(json.payload(), StandardCharsets.UTF_8)).isEqualTo("\"x\"");
        assertThat(json.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(json.topic()).isNull();
        TaskRequest bytes = parser.parseOne(json("{\"type\":\"t\",\"payloadBase64\":\"AQI=\",\"payload\":null}"), "garbage", NOW)
                .requests().getFirst();
        assertThat(bytes.contentType()).isEqualTo("application/octet-stream");
        assertThat(bytes.payload()).containsExactly(1, 2);
        assertThat(bytes.traceparent()).isNull(); // an invalid incoming header is ignored
    }

    @Test
    void collectsAllErrorsWithPointers() throws Exception {
        TaskJsonParser.Result result = parser.parseBatch(json("""
                [{"type": "ok", "payload": 1},
                 {"type": "-bad", "payload": 1, "payloadBase64": "AA==", "headers": {"jobwire.x": "1", "ok": 2}},
                 {"type": "ok", "payload": 1, "topic": "other", "deadline": 5, "key": {}, "extra": true}]
                """), null, NOW);
        assertThat(result.requests()).isEmpty();
        assertThat(result.errors()).extracting(FieldError::pointer).containsExactly(
                "/1/type", "/1/payloadBase64", "/1/headers/jobwire.x", "/1/headers/ok",
                "/2/extra", "/2/key", "/2/deadline", "/2/topic");
        assertThat(result.types()).containsExactly("ok", "ok");
    }

    @Test
    void headerNamesWithControlCharactersAreFieldErrorsAtTheirPointer() throws Exception {
        TaskJsonParser.Result result = parser.parseBatch(json("""
                [{"type": "a", "payload": 1, "headers": {"x\\r\\nX-Forged: 1": "v", "ok": "v"}},
                 {"type": "b", "payload": 1, "headers": {"nul\\u0000": "v", "rlo\\u202e": "v"}}]
                """), null, NOW);
        assertThat(result.requests()).isEmpty();
        assertThat(result.errors()).extracting(FieldError::pointer)
                .containsExactly("/0/headers/x\r\nX-Forged: 1", "/1/headers/nul\u0000", "/1/headers/rlo\u202e");
        assertThat(result.errors().getFirst().detail()).isEqualTo("header name 'x\\r\\nX-Forged: 1' holds U+000D at "
                + "position 1: header names must not hold control characters (CR, LF, NUL...) or bidirectional controls");
    }

    @Test
    void batchLimits() throws Exception {
        assertThat(parser.parseBatch(json("[1,2,3,4]"), null, NOW).errors()).singleElement()
                .isEqualTo(new FieldError("", "the batch has 4 tasks; at most 3 are allowed"));
        assertThat(parser.parseBatch(json("[]"), null, NOW).errors()).singleElement()
                .isEqualTo(new FieldError("", "the batch is empty"));
        assertThat(parser.parseBatch(json("[{\"type\":\"a\",\"payload\":1},{\"type\":\"b\",\"payload\":2}]"), null, NOW)
                .requests()).extracting(TaskRequest::type).containsExactly("a", "b");
    }

    @Test
    void jsonPointerEscaping() {
        assertThat(FieldError.pointer("/0/headers", "a/b~c")).isEqualTo("/0/headers/a~1b~0c");
    }
}
