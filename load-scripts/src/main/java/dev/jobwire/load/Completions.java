package dev.jobwire.load;

import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskHandler;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Observes every handler execution of the workers under test: how many succeeded, how many ran at
 * once, each task's latency from its created-at to its success, and (when asked) how often each
 * task id ran, for exact accounting of missing and duplicate tasks.
 *
 * <p>Thread-safe. Latencies go to a preallocated array, so recording allocates nothing per task.
 */
public final class Completions {
    private final LongAdder succeeded = new LongAdder();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    // Striped: every task of every thread updates them, and a contended CAS per task would be the
    // harness, not the worker, slowing the throughput scenario down.
    private final LongAccumulator firstCreatedMicros = new LongAccumulator(Math::min, Long.MAX_VALUE);
    private final AtomicLong firstStartMicros = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong firstStartNanos = new AtomicLong(Long.MAX_VALUE);
    private final LongAccumulator lastDoneMicros = new LongAccumulator(Math::max, 0);
    private final long[] latenciesMicros;
    private final AtomicInteger latencyCount = new AtomicInteger();
    private final Map<String, AtomicInteger> runsById;

    public Completions(int expectedTasks, boolean trackIds) {
        this.latenciesMicros = new long[Math.max(1, expectedTasks)];
        this.runsById = trackIds ? new ConcurrentHashMap<>(expectedTasks * 2) : null;
    }

    /** Every handler of {@code handlers}, wrapped so its executions are observed here. */
    public HandlerRegistry wrap(HandlerRegistry handlers) {
        HandlerRegistry wrapped = new HandlerRegistry();
        for (String type : handlers.types()) {
            TaskHandler delegate = handlers.find(type);
            wrapped.register(type, (task, context) -> observe(task, () -> delegate.handle(task, context)));
        }
        return wrapped;
    }

    private interface Body {
        void run() throws Exception;
    }

    private void observe(Task task, Body body) throws Exception {
        int now = running.incrementAndGet();
        if (now > maxRunning.get()) {
            maxRunning.accumulateAndGet(now, Math::max);
        }
        if (firstStartMicros.get() == Long.MAX_VALUE) {
            firstStartNanos.accumulateAndGet(System.nanoTime(), Math::min);
            firstStartMicros.accumulateAndGet(micros(Instant.now()), Math::min);
        }
        try {
            body.run();
        } finally {
            running.decrementAndGet();
        }
        long createdMicros = micros(task.metadata().createdAt());
        long doneMicros = micros(Instant.now());
        firstCreatedMicros.accumulate(createdMicros);
        lastDoneMicros.accumulate(doneMicros);
        int slot = latencyCount.getAndIncrement();
        if (slot < latenciesMicros.length) {
            latenciesMicros[slot] = doneMicros - createdMicros;
        }
        if (runsById != null) {
            runsById.computeIfAbsent(task.id(), id -> new AtomicInteger()).incrementAndGet();
        }
        succeeded.increment();
    }

    /** Forgets everything observed so far (after a warm-up round, with nothing running). */
    public void reset() {
        succeeded.reset();
        maxRunning.set(running.get());
        firstCreatedMicros.reset();
        firstStartMicros.set(Long.MAX_VALUE);
        firstStartNanos.set(Long.MAX_VALUE);
        lastDoneMicros.reset();
        latencyCount.set(0);
        if (runsById != null) {
            runsById.clear();
        }
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    public long succeeded() {
        return succeeded.sum();
    }

    public int running() {
        return running.get();
    }

    public int maxRunning() {
        return maxRunning.get();
    }

    /** From the first task's created-at to the last success, in seconds. */
    public double spanSeconds() {
        long first = firstCreatedMicros.get();
        long last = lastDoneMicros.get();
        return first == Long.MAX_VALUE || last == 0 ? 0 : (last - first) / 1e6;
    }

    /** When the first handler started ({@link System#nanoTime()}), or {@link Long#MAX_VALUE} before any did. */
    public long firstStartNanos() {
        return firstStartNanos.get();
    }

    /** The first task's created-at, in microseconds since the epoch; {@link Long#MAX_VALUE} before any succeeded. */
    public long firstCreatedMicros() {
        return firstCreatedMicros.get();
    }

    /** When the last success so far returned, in microseconds since the epoch; 0 before any. */
    public long lastDoneMicros() {
        return lastDoneMicros.get();
    }

    /** From the first handler start to the last success, in seconds: for backlogs published before the worker started. */
    public double spanFromFirstStartSeconds() {
        long first = firstStartMicros.get();
        long last = lastDoneMicros.get();
        return first == Long.MAX_VALUE || last == 0 ? 0 : (last - first) / 1e6;
    }

    /** p in [0,100] of publish-to-completion latency, ms. */
    public double latencyPercentileMs(double p) {
        int n = Math.min(latencyCount.get(), latenciesMicros.length);
        if (n == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(latenciesMicros, n);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, index))] / 1000.0;
    }

    public boolean tracksIds() {
        return runsById != null;
    }

    public boolean ran(String id) {
        return runsById.containsKey(id);
    }

    /** How many times the task succeeded (0 when it has not, yet). */
    public int runs(String id) {
        AtomicInteger runs = runsById.get(id);
        return runs == null ? 0 : runs.get();
    }

    public int distinctTasks() {
        return runsById.size();
    }
}
