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

    static long nonNegativeLong(JsonNode node, String field, long defaultValue) throws NonRetryableException {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return defaultValue;
        }
        if (!value.canConvertToLong() || value.asLong() < 0) {
            throw new NonRetryableException("payload field '" + field + "' must be a non-negative integer, got " + value);
        }
        return value.asLong();
    }

    static String requiredText(JsonNode node, String field) throws NonRetryableException {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new NonRetryableException("payload field '" + field + "' is required (a string)");
        }
        return value.asText();
    }
}
