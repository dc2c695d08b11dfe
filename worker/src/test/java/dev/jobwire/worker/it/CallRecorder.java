package dev.jobwire.worker.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server in the test's JVM that counts the calls of {@code http.call} tasks by id, so a
 * test sees every execution of a worker process, duplicates included.
 *
 * <p>Thread-safe: requests are counted on the server's virtual threads; the test reads from its own.
 */
final class CallRecorder implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** @param latencyMillis how long each call takes, so work is in flight when a worker is killed */
    CallRecorder(long latencyMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/record", exchange -> {
            String id = exchange.getRequestURI().getQuery().substring("id=".length());
            try {
                Thread.sleep(latencyMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The payload of an {@code http.call} task that calls this recorder with {@code id}. */
    String taskPayload(int id) {
        return "{\"url\":\"http://127.0.0.1:" + server.getAddress().getPort() + "/record?id=" + id
                + "\",\"timeoutMs\":5000}";
    }

    /** How many different ids were called. */
    int distinct() {
        return calls.size();
    }

    /** Calls beyond the first of each id. */
    int duplicates() {
        return calls.values().stream().mapToInt(c -> c.get() - 1).sum();
    }

    int total() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
