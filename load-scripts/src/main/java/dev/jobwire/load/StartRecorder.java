package dev.jobwire.load;

import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskContext;
import dev.jobwire.worker.handler.TaskHandler;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The handler of the delayed scenario's tasks ({@value #TYPE}, payload {@code {"n":17}}): records
 * when each task started against when it was due (its {@code jobwire.not-before}, as the publisher
 * wrote it), how often each ran, and every start before its due time. Its memory is allocated up
 * front, indexed by task number, so the heap the scenario watches grows with the worker, not with
 * this bookkeeping.
 *
 * <p>Thread-safe: handlers on many threads write through atomics; any thread reads. A task's
 * lateness is written before its run is counted, so whoever sees the run sees the lateness.
 */
final class StartRecorder implements TaskHandler {
    static final String TYPE = "delayed.record";
    private static final long UNSET = Long.MIN_VALUE;

    private final AtomicIntegerArray runs;
    private final AtomicLongArray latenessMicros;
    private final LongAdder started = new LongAdder();
    private final LongAdder startedEarly = new LongAdder();
    private final AtomicLong earliestMicros = new AtomicLong(0);
    private final LongAdder foreign = new LongAdder();

    StartRecorder(int tasks) {
        runs = new AtomicIntegerArray(tasks);
        latenessMicros = new AtomicLongArray(tasks);
        for (int i = 0; i < tasks; i++) {
            latenessMicros.set(i, UNSET);
        }
    }

    /** The payload of task number {@code n}. */
    static String payload(int n) {
        return "{\"n\":" + n + "}";
    }

    @Override
    public void handle(Task task, TaskContext context) {
        record(task, Instant.now());
    }

    /** Records that {@code task} started at {@code now}. */
    void record(Task task, Instant now) {
        int n = number(task.payload());
        if (n < 0 || n >= runs.length()) {
            foreign.increment();
            return;
        }
        Instant due = task.metadata().notBefore() != null ? task.metadata().notBefore() : task.metadata().createdAt();
        long lateness = micros(now) - micros(due);
        if (lateness < 0) {
            startedEarly.increment();
            earliestMicros.accumulateAndGet(lateness, Math::min);
        }
        latenessMicros.compareAndSet(n, UNSET, lateness);
        if (runs.getAndIncrement(n) == 0) {
            started.increment();
        }
    }

    /** The number in a payload {@code {"n":17}}; -1 when there is none. */
    static int number(byte[] payload) {
        int value = -1;
        for (int i = 0; i < payload.length; i++) {
            byte b = payload[i];
            if (b >= '0' && b <= '9') {
                value = (value < 0 ? 0 : value * 10) + (b - '0');
                if (value > 100_000_000) {
                    return -1;
                }
            } else if (value >= 0) {
                break;
            }
        }
        return value;
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    /** How many times task {@code n} ran. */
    int runs(int n) {
        return runs.get(n);
    }

    /** Tasks that started at least once. */
    long started() {
        return started.sum();
    }

    /** Runs that started before their task was due: each one is a correctness failure. */
    long startedEarly() {
        return startedEarly.sum();
    }

    /** How early the earliest early start was, in ms (0 when none was). */
    double earliestMs() {
        return -earliestMicros.get() / 1000.0;
    }

    /** Runs of tasks that are not this scenario's (no number, or out of range). */
    long foreign() {
        return foreign.sum();
    }

    /** Lateness (start minus due) of each task's first run, sorted, in microseconds; tasks that have not run are left out. */
    long[] sortedLatenessMicros() {
        long[] values = new long[latenessMicros.length()];
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            long value = latenessMicros.get(i);
            if (value != UNSET) {
                values[count++] = value;
            }
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return sorted;
    }

    /** The {@code p}-th percentile (nearest rank, p in [0, 100]) of sorted values, in ms; 0 for none. */
    static double percentileMs(long[] sortedMicros, double p) {
        if (sortedMicros.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, index))] / 1000.0;
    }
}
