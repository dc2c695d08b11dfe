package dev.jobwire.producer.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.config.Settings;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.producer.internal.Json;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskTypes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns request JSON into {@link TaskRequest}s, or into every {@link FieldError} it finds. Pure: no
 * I/O, no Kafka. Immutable, thread-safe.
 *
 * <p>A task is a JSON object:
 * <pre>
 * {"type": "email.send",                       required
 *  "payload": {...any JSON...},                 exactly one of payload / payloadBase64
 *  "payloadBase64": "AAEC",                     opaque bytes, standard base64
 *  "contentType": "application/json",           default application/json (payload) or
 *                                               application/octet-stream (payloadBase64)
 *  "key": "customer-42",
 *  "headers": {"tenant": "acme"},               string values; jobwire.* and traceparent reserved
 *  "deadline": "2026-11-26T05:05:00Z",          ISO-8601 instant in the future, after the start time
 *  "delay": "30s",                              start no earlier than this after publishing
 *  "notBefore": "2026-12-01T10:00:00Z",         or: start no earlier than this instant (not both)
 *  "traceparent": "00-…-…-01",                  default: the request's traceparent header
 *  "topic": "jobwire.tasks"}                    default JOBWIRE_TOPIC; must be allowed
 * </pre>
 * A field set to JSON {@code null} counts as absent. Unknown fields are errors (they are usually
 * typos). {@code payload} is stored as compact JSON.
 */
final class TaskJsonParser {
    static final Set<String> FIELDS = Set.of("type", "payload", "payloadBase64", "contentType", "key", "headers",
            "deadline", "delay", "notBefore", "traceparent", "topic");
    private static final String OCTET_STREAM = "application/octet-stream";

    private final Set<String> allowedTopics;
    private final int maxBatchSize;

    TaskJsonParser(Set<String> allowedTopics, int maxBatchSize) {
        this.allowedTopics = Set.copyOf(allowedTopics);
        this.maxBatchSize = maxBatchSize;
    }

    /**
     * The outcome: the requests when {@code errors} is empty.
     *
     * @param types the valid task types seen, valid or not overall (for metrics)
     */
    record Result(List<TaskRequest> requests, List<FieldError> errors, List<String> types) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    Result parseOne(JsonNode root, String traceparentHeader, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        List<String> types = new ArrayList<>();
        if (!root.isObject()) {
            errors.add(new FieldError("", "the body must be a JSON object describing one task (use /tasks/batch for an array)"));
            return new Result(List.of(), errors, types);
        }
        TaskRequest request = parseTask(root, "", traceparentHeader, now, errors, types);
        return new Result(request == null ? List.of() : List.of(request), errors, types);
    }

    Result parseBatch(JsonNode root, String traceparentHeader, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        List<String> types = new ArrayList<>();
        if (!root.isArray()) {
            errors.add(new FieldError("", "the body must be a JSON array of tasks"));
            return new Result(List.of(), errors, types);
        }
        if (root.isEmpty()) {
            errors.add(new FieldError("", "the batch is empty"));
            return new Result(List.of(), errors, types);
        }
        if (root.size() > maxBatchSize) {
            errors.add(new FieldError("", "the batch has " + root.size() + " tasks; at most " + maxBatchSize + " are allowed"));
            return new Result(List.of(), errors, types);
        }
        List<TaskRequest> requests = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode item = root.get(i);
            if (!item.isObject()) {
                errors.add(new FieldError("/" + i, "each task must be a JSON object"));
                continue;
            }
            TaskRequest request = parseTask(item, "/" + i, traceparentHeader, now, errors, types);
            if (request != null) {
                requests.add(request);
            }
        }
        return new Result(errors.isEmpty() ? List.copyOf(requests) : List.of(), errors, types);
    }

    private TaskRequest parseTask(JsonNode task, String at, String traceparentHeader, Instant now,
            List<FieldError> errors, List<String> types) {
        int errorsBefore = errors.size();
        for (Iterator<String> names = task.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(FieldError.pointer(at, name), "unknown field '" + name
                        + "'; a task has type, payload or payloadBase64, contentType, key, headers, deadline, "
                        + "delay or notBefore, traceparent, topic"));
            }
        }

        String type = text(task, at, "type", errors);
        if (present(task, "type") == null) {
            errors.add(new FieldError(at + "/type", "task type is required"));
        } else if (type != null) {
            String problem = TaskTypes.problem(type);
            if (problem != null) {
                errors.add(new FieldError(at + "/type", problem));
            } else {
                types.add(type);
            }
        }

        JsonNode jsonPayload = present(task, "payload");
        JsonNode base64Payload = present(task, "payloadBase64");
        byte[] payload = null;
        if (jsonPayload != null && base64Payload != null) {
            errors.add(new FieldError(at + "/payloadBase64", "give either 'payload' or 'payloadBase64', not both"));
        } else if (jsonPayload == null && base64Payload == null) {
            errors.add(new FieldError(at + "/payload",
                    "a payload is required: 'payload' (any JSON value) or 'payloadBase64' (bytes in base64)"));
        } else if (jsonPayload != null) {
            try {
                payload = Json.MAPPER.writeValueAsBytes(jsonPayload);
            } catch (JsonProcessingException e) {
                errors.add(new FieldError(at + "/payload", "cannot serialize the payload: " + e.getOriginalMessage()));
            }
        } else {
            String encoded = text(task, at, "payloadBase64", errors);
            if (encoded != null) {
                try {
                    payload = Base64.getDecoder().decode(encoded);
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError(at + "/payloadBase64", "not valid base64 (RFC 4648 standard alphabet): " + e.getMessage()));
                }
            }
        }

        String contentType = text(task, at, "contentType", errors);
        if (contentType != null) {
            String problem = TaskRequest.contentTypeProblem(contentType);
            if (problem != null) {
                errors.add(new FieldError(at + "/contentType", problem));
            } else if (jsonPayload != null && !Json.isJsonMediaType(contentType)) {
                errors.add(new FieldError(at + "/contentType", "with 'payload' the content type must be JSON "
                        + "(application/json or application/*+json); send other formats as 'payloadBase64'"));
            }
        } else if (base64Payload != null) {
            contentType = OCTET_STREAM;
        }

        String key = text(task, at, "key", errors);

        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode headerNode = present(task, "headers");
        if (headerNode != null && !headerNode.isObject()) {
            errors.add(new FieldError(at + "/headers", "must be an object of header names to string values"));
        } else if (headerNode != null) {
            headerNode.fields().forEachRemaining(header -> {
                String pointer = FieldError.pointer(at + "/headers", header.getKey());
                String problem = TaskRequest.headerNameProblem(header.getKey());
                if (problem != null) {
                    errors.add(new FieldError(pointer, problem));
                } else if (!header.getValue().isTextual()) {
                    errors.add(new FieldError(pointer, "header values must be strings"));
                } else {
                    headers.put(header.getKey(), header.getValue().textValue());
                }
            });
        }

        Instant deadline = null;
        String deadlineText = text(task, at, "deadline", errors);
        if (deadlineText != null) {
            try {
                deadline = Instant.parse(deadlineText);
                if (!deadline.isAfter(now)) {
                    errors.add(new FieldError(at + "/deadline", "deadline " + deadlineText + " is not in the future"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(at + "/deadline",
                        "'" + deadlineText + "' is not an ISO-8601 instant like 2026-11-26T05:05:00Z"));
            }
        }

        Duration delay = null;
        String delayText = text(task, at, "delay", errors);
        if (delayText != null) {
            try {
                delay = Settings.parseDuration("delay", delayText);
                String problem = TaskRequest.delayProblem(delay);
                if (problem != null) {
                    errors.add(new FieldError(at + "/delay", problem));
                    delay = null;
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(at + "/delay", "'" + HeaderValues.abbreviate(delayText, 64)
                        + "' is not a duration like 250ms, 30s, 5m, 1h or PT30S"));
            }
        }

        Instant notBefore = null;
        String notBeforeText = text(task, at, "notBefore", errors);
        if (notBeforeText != null && delayText != null) {
            errors.add(new FieldError(at + "/notBefore", "give either 'delay' or 'notBefore', not both"));
        } else if (notBeforeText != null) {
            try {
                notBefore = Instant.parse(notBeforeText);
                String problem = TaskRequest.notBeforeProblem(notBefore, now);
                if (problem != null) {
                    errors.add(new FieldError(at + "/notBefore", problem));
                    notBefore = null;
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(at + "/notBefore", "'" + HeaderValues.abbreviate(notBeforeText, 64)
                        + "' is not an ISO-8601 instant like 2026-12-01T10:00:00Z"));
            }
        }

        Instant start = delay != null && !delay.isZero() ? now.plus(delay)
                : notBefore != null && notBefore.isAfter(now) ? notBefore : null;
        if (deadline != null && start != null && deadline.isAfter(now)) {
            String problem = TaskRequest.deadlineBeforeStartProblem(deadline, start);
            if (problem != null) {
                errors.add(new FieldError(at + "/deadline", problem));
            }
        }

        String traceparent = text(task, at, "traceparent", errors);
        if (traceparent != null) {
            String problem = TaskRequest.traceparentProblem(traceparent);
            if (problem != null) {
                errors.add(new FieldError(at + "/traceparent", problem));
            }
        } else if (traceparentHeader != null && TaskRequest.traceparentProblem(traceparentHeader) == null) {
            traceparent = traceparentHeader; // an invalid incoming traceparent header is ignored, as W3C says
        }

        String topic = text(task, at, "topic", errors);
        if (topic != null && !allowedTopics.contains(topic)) {
            errors.add(new FieldError(at + "/topic", "topic '" + HeaderValues.abbreviate(topic, 64)
                    + "' is not allowed here; allowed: " + String.join(", ", allowedTopics)));
        }

        if (errors.size() > errorsBefore) {
            return null;
        }
        try {
            return new TaskRequest(type, payload, key, headers, deadline, contentType, traceparent, topic, delay,
                    notBefore);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(at.isEmpty() ? "" : at, e.getMessage()));
            return null;
        }
    }

    /** The field's node, or null when absent or JSON null. */
    private static JsonNode present(JsonNode task, String field) {
        JsonNode node = task.get(field);
        return node == null || node.isNull() ? null : node;
    }

    /** The field's string, or null when absent; records an error when it is not a string. */
    private static String text(JsonNode task, String at, String field, List<FieldError> errors) {
        JsonNode node = present(task, field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(at + "/" + field, "must be a string, not " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
            return null;
        }
        return node.textValue();
    }
}
