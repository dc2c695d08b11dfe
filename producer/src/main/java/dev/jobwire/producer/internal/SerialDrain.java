package dev.jobwire.producer.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Items added from any thread, handed to one action in order, on at most one executor thread at a
 * time: adding only queues, and one hand-over to the executor serves a whole burst.
 *
 * <p>Thread-safe.
 *
 * @param <T> the queued item
 */
final class SerialDrain<T> {
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor executor;
    private final Consumer<T> action;
    private final Consumer<T> whenRejected;

    /**
     * @param whenRejected what becomes of the queued items when the executor refuses (it was shut
     *                     down); runs on the adding thread
     */
    SerialDrain(Executor executor, Consumer<T> action, Consumer<T> whenRejected) {
        this.executor = executor;
        this.action = action;
        this.whenRejected = whenRejected;
    }

    void add(T item) {
        queue.add(item);
        schedule();
    }

    /** Takes every item queued now through {@code each}, on the calling thread. */
    void drainWith(Consumer<T> each) {
        T item;
        while ((item = queue.poll()) != null) {
            each.accept(item);
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                drainWith(whenRejected);
            }
        }
    }

    private void drain() {
        try {
            drainWith(action);
        } finally {
            scheduled.set(false);
            if (!queue.isEmpty()) { // added after the last poll, while still marked scheduled
                schedule();
            }
        }
    }
}
