package dev.jobwire.load;

import dev.jobwire.worker.Worker;
import java.util.function.LongSupplier;

/**
 * Times a worker's start with tasks already waiting: from {@code new Worker(...).start()} to its
 * first handler call, and on the way when its parts were wired (phase {@code RUNNING}: the broker
 * answered, topics set up) and when it first owned partitions. Watches on a virtual thread,
 * every millisecond, until the first task started (at most {@link Scenarios#PATIENCE}).
 *
 * <p>Thread-safe: its own thread writes the times (volatile), the scenario's thread reads them.
 */
final class StartupTimer {
    private final long startedNanos;
    private final LongSupplier firstTaskNanos;
    private final Thread thread;
    private volatile long runningNanos = Long.MAX_VALUE;
    private volatile long assignedNanos = Long.MAX_VALUE;

    private StartupTimer(Worker worker, long startedNanos, LongSupplier firstTaskNanos) {
        this.startedNanos = startedNanos;
        this.firstTaskNanos = firstTaskNanos;
        this.thread = Thread.ofVirtual().name("startup-timer").start(() -> watch(worker));
    }

    /**
     * @param startedNanos   when {@code new Worker(...).start()} was called ({@link Harness#startedNanos})
     * @param firstTaskNanos when the first handler started ({@link Completions#firstStartNanos}), MAX_VALUE before
     */
    static StartupTimer watch(Worker worker, long startedNanos, LongSupplier firstTaskNanos) {
        return new StartupTimer(worker, startedNanos, firstTaskNanos);
    }

    private void watch(Worker worker) {
        long giveUp = startedNanos + Scenarios.PATIENCE.toNanos();
        while (firstTaskNanos.getAsLong() == Long.MAX_VALUE && System.nanoTime() < giveUp) {
            long now = System.nanoTime();
            if (runningNanos == Long.MAX_VALUE && worker.phase() == Worker.Phase.RUNNING) {
                runningNanos = now;
            }
            if (assignedNanos == Long.MAX_VALUE && worker.assignedPartitions() > 0) {
                assignedNanos = now;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Adds the times to {@code r}, in milliseconds from the start call (a step not seen is left out). */
    void report(Report r) throws InterruptedException {
        thread.join();
        put(r, "worker_start_to_running_ms", runningNanos);
        put(r, "worker_start_to_partitions_assigned_ms", assignedNanos);
        put(r, "worker_start_to_first_task_ms", firstTaskNanos.getAsLong());
    }

    private void put(Report r, String key, long atNanos) {
        if (atNanos != Long.MAX_VALUE) {
            r.put(key, (atNanos - startedNanos) / 1e6);
        }
    }
}
