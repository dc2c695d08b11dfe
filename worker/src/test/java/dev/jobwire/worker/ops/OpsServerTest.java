package dev.jobwire.worker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(OpsServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsAndHealthThatFollowsTheWorker() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("jobwire.tasks.succeeded").tag("type", "noop").register(registry).increment(3);
        AtomicBoolean alive = new AtomicBoolean(true);
        AtomicReference<List<String>> notReady = new AtomicReference<>(List.of("waiting for Kafka at 127.0.0.1:1: \"refused\""));
        try (OpsServer server = new OpsServer("127.0.0.1", 0, registry, alive::get, notReady::get)) {
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jobwire_tasks_succeeded_total{type=\"noop\"} 3.0");

            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> down = get(server, "/health/ready");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            assertThat(down.body()).isEqualTo(
                    "{\"status\":\"DOWN\",\"reasons\":[\"waiting for Kafka at 127.0.0.1:1: \\\"refused\\\"\"]}\n");
            notReady.set(List.of());
            HttpResponse<String> up = get(server, "/health/ready");
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).isEqualTo("{\"status\":\"UP\"}\n");
            alive.set(false);
            assertThat(get(server, "/health/live").statusCode()).isEqualTo(503);
            assertThat(get(server, "/nothing-here").statusCode()).isEqualTo(404);
        }
    }
}
