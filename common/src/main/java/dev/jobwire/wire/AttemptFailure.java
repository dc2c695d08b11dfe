package dev.jobwire.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One failed attempt at a task, as recorded in a dead letter's {@link DeadLetterHeaders#ATTEMPT}
 * header: {@code {"attempt":1,"at":"2026-01-01T00:00:00Z","exception":"java.io.IOException","message":"..."}}.
 */
public record AttemptFailure(int attempt, Instant at, String exceptionClass, String message) {
    public static final int MAX_MESSAGE_CHARS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static AttemptFailure of(int attempt, Instant at, Throwable failure) {
        return new AttemptFailure(attempt, at, failure.getClass().getName(), messageOf(failure));
    }

    /** The throwable's message cut to {@link #MAX_MESSAGE_CHARS}, or empty when it has none. */
    public static String messageOf(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? "" : HeaderValues.abbreviate(message, MAX_MESSAGE_CHARS);
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("attempt", attempt);
        node.put("at", at.toString());
        node.put("exception", exceptionClass);
        node.put("message", message);
        return node.toString();
    }

    public static AttemptFailure fromJson(String json) throws MalformedTaskException {
        try {
            JsonNode node = JSON.readTree(json);
            return new AttemptFailure(node.path("attempt").asInt(), Instant.parse(node.path("at").asText()),
                    node.path("exception").asText(), node.path("message").asText());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new MalformedTaskException("header '" + DeadLetterHeaders.ATTEMPT + "' is not an attempt record: "
                    + HeaderValues.abbreviate(json, 80));
        }
    }
}
