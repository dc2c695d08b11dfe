package dev.jobwire.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A stand-in for the external service I/O-bound tasks call, on loopback only. Each request waits
 * a latency drawn from [min, max] ms, fails with 500 at the configured error rate, and is refused
 * with 429 when more than {@code maxConcurrent} requests are open. It counts the concurrency it
 * actually saw, so a scenario can prove the worker stayed within its cap.
 *
 * <p>A {@link CallListener}, when given, hears of every request as it is answered, with its query
 * string: a scenario that puts a task's number in the URL learns when each task was called.
 *
 * <p>Thread-safe; one virtual thread per request.
 */
public final class StandInService implements AutoCloseable {
    /** Hears of each request as it is answered. Called on the request's thread: must be thread-safe. */
    @FunctionalInterface
    public interface CallListener {
        /**
         * @param query        the request's query string, or null
         * @param arrivedNanos when the request arrived ({@link System#nanoTime()})
         * @param answeredNanos when its answer went out
         * @param status       200, 429 (refused) or 500 (an injected error)
         */
        void answered(String query, long arrivedNanos, long answeredNanos, int status);
    }

    private final HttpServer server;
    private final int minLatencyMs;
    private final int maxLatencyMs;
    private final double errorRate;
    private final int maxConcurrent;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final LongAdder served = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder latencySumMs = new LongAdder();
    private final SplittableRandom seed = new SplittableRandom(42);
    private final CallListener listener;

    public StandInService(int minLatencyMs, int maxLatencyMs, double errorRate, int maxConcurrent) throws IOException {
        this(minLatencyMs, maxLatencyMs, errorRate, maxConcurrent, null);
    }

    /** As above; {@code listener} (may be null) hears of every request as it is answered. */
    public StandInService(int minLatencyMs, int maxLatencyMs, double errorRate, int maxConcurrent, CallListener listener)
            throws IOException {
        this.listener = listener;
        this.minLatencyMs = minLatencyMs;
        this.maxLatencyMs = maxLatencyMs;
        this.errorRate = errorRate;
        this.maxConcurrent = maxConcurrent;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/call", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/call";
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        int now = open.incrementAndGet();
        maxOpen.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try {
            if (now > maxConcurrent) {
                refused.increment();
                counted = done(counted);
                reply(exchange, 429, arrived);
                return;
            }
            SplittableRandom random;
            synchronized (seed) {
                random = seed.split();
            }
            int latency = minLatencyMs + (maxLatencyMs > minLatencyMs ? random.nextInt(maxLatencyMs - minLatencyMs + 1) : 0);
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            latencySumMs.add(latency);
            // No longer open once answered: counted down before the answer goes out, or a client
            // that sends its next request the moment it has this answer would find it still counted.
            counted = done(counted);
            if (errorRate > 0 && random.nextDouble() < errorRate) {
                errors.increment();
                reply(exchange, 500, arrived);
                return;
            }
            served.increment();
            reply(exchange, 200, arrived);
        } finally {
            done(counted);
        }
    }

    /** Counts a request as no longer open, once; returns false (it is no longer counted). */
    private boolean done(boolean counted) {
        if (counted) {
            open.decrementAndGet();
        }
        return false;
    }

    private void reply(HttpExchange exchange, int status, long arrived) throws IOException {
        if (listener != null) {
            listener.answered(exchange.getRequestURI().getRawQuery(), arrived, System.nanoTime(), status);
        }
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The most requests open at once. */
    public int maxConcurrencySeen() {
        return maxOpen.get();
    }

    public long served() {
        return served.sum();
    }

    public long refused() {
        return refused.sum();
    }

    public long errors() {
        return errors.sum();
    }

    /** Sum of the latencies it imposed, ms: with the concurrency cap, the ideal's numerator. */
    public long latencySumMs() {
        return latencySumMs.sum();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
