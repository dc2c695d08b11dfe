package dev.jobwire.producer.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobwire.logging.ControlChars;
import dev.jobwire.producer.internal.Json;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}): {@code type}, {@code title},
 * {@code status}, {@code detail}, plus {@code errors} (one {@link FieldError} per bad field, with a
 * JSON Pointer) and, for batches the broker failed, {@code tasks}. Sent as UTF-8, which the
 * content type declares. Immutable.
 *
 * @param slug  the last part of the type URI, {@code urn:jobwire:problem:<slug>}
 * @param extra more members to add (e.g. {@code tasks}); null for none
 */
record Problem(int status, String slug, String title, String detail, List<FieldError> errors, ObjectNode extra) {
    static final String MEDIA_TYPE = "application/problem+json";
    /** Without the charset, clients (and Jetty, encoding the body) take problem+json for ISO-8859-1. */
    static final String CONTENT_TYPE = MEDIA_TYPE + ";charset=utf-8";
    static final String TYPE_PREFIX = "urn:jobwire:problem:";

    static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, slug, title, detail, List.of(), null);
    }

    Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(status, slug, title, detail, List.copyOf(fieldErrors), extra);
    }

    Problem withExtra(ObjectNode members) {
        return new Problem(status, slug, title, detail, errors, members);
    }

    JsonNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("type", TYPE_PREFIX + slug);
        node.put("title", title);
        node.put("status", status);
        node.put("detail", detail);
        if (!errors.isEmpty()) {
            ArrayNode array = node.putArray("errors");
            errors.forEach(e -> array.addObject().put("pointer", e.pointer()).put("detail", e.detail()));
        }
        if (extra != null) {
            node.setAll(extra);
        }
        return node;
    }

    byte[] toUtf8() {
        return toJson().toString().getBytes(StandardCharsets.UTF_8);
    }

    void writeTo(Context ctx) {
        ctx.status(status).contentType(CONTENT_TYPE).result(toUtf8());
    }

    /**
     * One line for the log: status, slug, detail and the first field errors, with control characters
     * escaped (details and pointers quote what the client sent).
     */
    String summary() {
        return ControlChars.escape(rawSummary());
    }

    private String rawSummary() {
        StringBuilder line = new StringBuilder().append(status).append(' ').append(slug).append(": ");
        if (errors.size() == 1) {
            FieldError only = errors.getFirst();
            return line.append(only.pointer().isEmpty() ? "(body)" : only.pointer()).append(": ").append(only.detail()).toString();
        }
        line.append(detail);
        errors.stream().limit(3).forEach(e -> line.append("; ").append(e.pointer().isEmpty() ? "(body)" : e.pointer())
                .append(": ").append(e.detail()));
        if (errors.size() > 3) {
            line.append("; (+").append(errors.size() - 3).append(" more)");
        }
        return line.toString();
    }
}
