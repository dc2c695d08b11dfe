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
    void delayAndNotBeforeBecomeTheRequestsStartTime() throws Exception {
        TaskJsonParser.Result result = parser.parseBatch(json("""
                [{"type": "a", "payload": 1, "delay": "30s"},
                 {"type": "b", "payload": 1, "delay": "PT1H", "deadline": "2026-01-01T02:00:00Z"},
                 {"type": "c", "payload": 1, "notBefore": "2026-12-01T10:00:00+01:00"}]
                """), null, NOW);
        assertThat(result.errors()).isEmpty();
        assertThat(result.requests()).extracting(TaskRequest::delay)
                .containsExactly(java.time.Duration.ofSeconds(30), java.time.Duration.ofHours(1), null);
        assertThat(result.requests().get(2).notBefore()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(result.requests().get(0).startTime(NOW)).isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
        // a notBefore already past: at once
        TaskRequest past = parser.parseOne(json("{\"type\":\"t\",\"payload\":1,\"notBefore\":\"2025-01-01T00:00:00Z\"}"),
                null, NOW).requests().getFirst();
        assertThat(past.startTime(NOW)).isNull();
    }

    @Test
    void badStartTimesAreFieldErrorsAtTheirPointer() throws Exception {
        TaskJsonParser.Result result = new TaskJsonParser(Set.of("jobwire.tasks"), 100).parseBatch(json("""
                [{"type": "a", "payload": 1, "delay": "soon"},
                 {"type": "a", "payload": 1, "delay": "-5s"},
                 {"type": "a", "payload": 1, "delay": 30},
                 {"type": "a", "payload": 1, "delay": "87601h"},
                 {"type": "a", "payload": 1, "delay": "5s", "notBefore": "2026-12-01T10:00:00Z"},
                 {"type": "a", "payload": 1, "notBefore": "tomorrow"},
                 {"type": "a", "payload": 1, "notBefore": "2037-01-01T00:00:00Z"},
                 {"type": "a", "payload": 1, "delay": "10m", "deadline": "2026-01-01T00:05:00Z"},
                 {"type": "a", "payload": 1, "notBefore": "2026-01-01T00:05:00Z", "deadline": "2026-01-01T00:05:00Z"}]
                """), null, NOW);
        assertThat(result.requests()).isEmpty();
        assertThat(result.errors()).containsExactly(
                new FieldError("/0/delay", "'soon' is not a duration like 250ms, 30s, 5m, 1h or PT30S"),
                new FieldError("/1/delay", "delay -5s is negative; a task cannot be scheduled in the past "
                        + "(no delay, or zero, starts it at once)"),
                new FieldError("/2/delay", "must be a string, not number"),
                new FieldError("/3/delay", "delay 87601h is longer than the maximum of 3650 days (about 10 years)"),
                new FieldError("/4/notBefore", "give either 'delay' or 'notBefore', not both"),
                new FieldError("/5/notBefore", "'tomorrow' is not an ISO-8601 instant like 2026-12-01T10:00:00Z"),
                new FieldError("/6/notBefore", "notBefore 2037-01-01T00:00:00Z is more than 3650 days (about 10 years) ahead"),
                new FieldError("/7/deadline", "deadline 2026-01-01T00:05:00Z is not after the start time "
                        + "2026-01-01T00:10:00Z: the task would expire before it may start"),
                new FieldError("/8/deadline", "deadline 2026-01-01T00:05:00Z is not after the start time "
                        + "2026-01-01T00:05:00Z: the task would expire before it may start"));
    }

    @Test
    void jsonPointerEscaping() {
        assertThat(FieldError.pointer("/0/headers", "a/b~c")).isEqualTo("/0/headers/a~1b~0c");
    }
}
