package dev.jobwire.producer.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.config.Settings;
import dev.jobwire.producer.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Starts {@link ProducerServer}s on free ports and talks to them with {@link HttpClient}. */
final class HttpFixture {
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpFixture() {
    }

    /** A server on a free loopback port; {@code env} adds or overrides {@code JOBWIRE_*} variables. */
    static ProducerServer start(String bootstrapServers, String topic, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put("JOBWIRE_BOOTSTRAP_SERVERS", bootstrapServers);
        all.put("JOBWIRE_TOPIC", topic);
        all.put("JOBWIRE_HTTP_HOST", "127.0.0.1");
        all.put("JOBWIRE_HTTP_PORT", "0");
        all.putAll(env);
        return ProducerServer.start(ServerConfig.fromSettings(new Settings(all)));
    }

    record Response(int status, String contentType, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    static Response postJson(ProducerServer server, String path, String body, String... headers) {
        return send(server, HttpRequest.newBuilder(uri(server, path))
                .header("Content-Type", "application/json")
                .headers(headers.length == 0 ? new String[] {"X-Test", "1"} : headers)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static Response get(ProducerServer server, String path) {
        return send(server, HttpRequest.newBuilder(uri(server, path)).GET());
    }

    static Response send(ProducerServer server, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                    response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static URI uri(ProducerServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
