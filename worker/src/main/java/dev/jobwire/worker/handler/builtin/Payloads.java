package dev.jobwire.worker.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.jobwire.worker.handler.NonRetryableException;
import dev.jobwire.worker.handler.Task;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/** Reads the small JSON payloads of the built-in handlers. A bad payload is never worth retrying. */
final class Payloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    static JsonNode json(Task task) throws NonRetryableException {
        if (task.payload().length == 0) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(task.payload());
        } catch (JsonProcessingException e) {
            throw new NonRetryableException("payload of a '" + task.type() + "' task is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new NonRetryableException("payload of a '" + task.type() + "' task is unreadable: " + e.getMessage(), e);
        }
    }

    /** The longest duration a built-in handler accepts: a day. */
    static final long MAX_MILLIS = 86_400_000L;

    static long nonNegativeLong(JsonNode node, String field, long defaultValue) throws NonRetryableException {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new NonRetryableException("payload field '" + field + "' must be a non-negative integer, got "
                    + abbreviated(value));
        }
        return value.asLong();
    }

    /**
     * A duration in milliseconds, from 0 to {@link #MAX_MILLIS}: a larger one would overflow the
     * nanoseconds it is counted in, or hold a slot for longer than any task should.
     */
    static long millis(JsonNode node, String field, long defaultValue) throws NonRetryableException {
        long millis = nonNegativeLong(node, field, defaultValue);
        if (millis > MAX_MILLIS) {
            throw new NonRetryableException("payload field '" + field + "' must be at most " + MAX_MILLIS
                    + " (a day, in milliseconds), got " + millis);
        }
        return millis;
    }

    private static String abbreviated(JsonNode value) {
        String text = value.toString();
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    static String requiredText(JsonNode node, String field) throws NonRetryableException {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new NonRetryableException("payload field '" + field + "' is required (a string)");
        }
        return value.asText();
    }
}
