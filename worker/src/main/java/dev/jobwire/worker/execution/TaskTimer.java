package dev.jobwire.worker.execution;

import dev.jobwire.worker.admission.Admission;
import dev.jobwire.worker.time.NanoClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one timer thread. Every {@link #RESOLUTION} it interrupts attempts past their end
 * (attempt timeout or task deadline, see {@link Runner}) and releases held tasks that came due
 * ({@link Admission#releaseDue}). So an attempt is interrupted, and a held task buffered again, at
 * most about {@link #RESOLUTION} after its time; nothing is scheduled or cancelled per task.
 *
 * <p>Thread-safety: start and close from the worker's lifecycle thread; it runs on its own thread.
 */
public final class TaskTimer implements AutoCloseable {
    /** How late, at most, an attempt is interrupted or a held task released (scheduling delays aside). */
    public static final Duration RESOLUTION = Duration.ofMillis(5);
    private static final Logger log = LoggerFactory.getLogger(TaskTimer.class);

    private final TaskThreads threads;
    private final Admission admission;
    private final Thread thread;
    private volatile boolean closed;

    public TaskTimer(TaskThreads threads, Admission admission) {
        this.threads = threads;
        this.admission = admission;
        this.thread = Thread.ofPlatform().daemon().name("jobwire-timer").unstarted(this::run);
    }

    public TaskTimer start() {
        thread.start();
        return this;
    }

    private void run() {
        long period = RESOLUTION.toNanos();
        while (!closed) {
            try {
                long now = System.nanoTime();
                for (Runner runner : threads.runners()) {
                    runner.interruptIfOverdue(now);
                }
                admission.releaseDue(now);
                NanoClock.resync();
            } catch (RuntimeException e) {
                log.error("task timer tick failed; retrying at the next tick", e);
            }
            LockSupport.parkNanos(period);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
