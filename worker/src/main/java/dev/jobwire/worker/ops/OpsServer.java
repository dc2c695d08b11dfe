package dev.jobwire.worker.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The worker's operations endpoints, on the JDK's built-in HTTP server: {@code /metrics}
 * (Prometheus), {@code /health/live} (the process does its job: waiting for Kafka or polling) and
 * {@code /health/ready} (it can make progress; when it cannot, 503 with every reason in the body:
 * {@code {"status":"DOWN","reasons":["..."]}}).
 *
 * <p>Thread-safe; each request on a virtual thread.
 */
public final class OpsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    public OpsServer(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier alive,
            Supplier<List<String>> notReadyReasons) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/metrics", exchange ->
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health/live", exchange -> health(exchange, alive.getAsBoolean() ? List.of()
                : List.of("the worker's thread stopped or has not polled for 30 s")));
        server.createContext("/health/ready", exchange -> health(exchange, notReadyReasons.get()));
        server.createContext("/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8", "not found\n"));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, List<String> reasons) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("status", reasons.isEmpty() ? "UP" : "DOWN");
        if (!reasons.isEmpty()) {
            reasons.forEach(body.putArray("reasons")::add);
        }
        respond(exchange, reasons.isEmpty() ? 200 : 503, "application/json; charset=utf-8", body + "\n");
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
