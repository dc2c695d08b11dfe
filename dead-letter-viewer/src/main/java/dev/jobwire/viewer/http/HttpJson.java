package dev.jobwire.viewer.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.viewer.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Reading JSON bodies and query parameters, writing JSON answers and errors. Stateless. */
final class HttpJson {
    private HttpJson() {
    }

    static void json(Context ctx, Object value) {
        try {
            ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void error(Context ctx, int status, String message) {
        ctx.status(status);
        json(ctx, Map.of("error", message == null ? "error" : message));
    }

    /** @throws ApiException 400 when the body is not a JSON object */
    static JsonNode body(Context ctx) {
        try {
            JsonNode node = Json.MAPPER.readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) {
                throw new ApiException(400, "the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ApiException(400, "the body is not JSON");
        }
    }

    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** The first value of each query parameter. */
    static Map<String, String> params(Context ctx) {
        Map<String, String> params = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                params.put(k, v.getFirst());
            }
        });
        return params;
    }

    /** A whole-number parameter clamped to {@code [min, max]}. @throws ApiException 400 when not a number */
    static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long parsed = Long.parseLong(v.trim());
            return (int) Math.max(min, Math.min(max, parsed));
        } catch (NumberFormatException e) {
            throw new ApiException(400, "'" + name + "' must be a whole number");
        }
    }
}
