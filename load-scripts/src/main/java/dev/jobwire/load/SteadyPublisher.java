package dev.jobwire.load;

import dev.jobwire.producer.PublishReceipt;
import dev.jobwire.producer.TaskPublisher;
import dev.jobwire.producer.TaskRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Publishes numbered tasks (0, 1, 2 ...) through the producer library, either a batch at once or
 * at a steady rate on its own thread, and keeps each task's publish receipt: its id and the
 * partition it landed in.
 *
 * <p>Thread-safe: the scenario's thread starts and stops it, its own thread publishes, the
 * producer's callbacks record receipts; any thread reads them.
 */
final class SteadyPublisher implements AutoCloseable {
    private final TaskPublisher publisher;
    private final IntFunction<TaskRequest> task;
    private final Map<Integer, PublishReceipt> receipts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<CompletableFuture<PublishReceipt>> pending = new ConcurrentLinkedQueue<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean running;
    private Thread thread;

    /** @param task the request for task number {@code n} */
    SteadyPublisher(TaskPublisher publisher, IntFunction<TaskRequest> task) {
        this.publisher = publisher;
        this.task = task;
    }

    /** Publishes {@code count} tasks now and waits for their acknowledgements. */
    void publish(int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            publishNext();
        }
        awaitAcknowledged();
    }

    /** Starts publishing {@code perSecond} tasks a second on its own thread, until {@link #stop()}. */
    void start(double perSecond) {
        running = true;
        thread = Thread.ofPlatform().daemon().name("steady-publisher").start(() -> {
            long start = System.nanoTime();
            int sent = 0;
            while (running) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
                while (sent < due) {
                    publishNext();
                    sent++;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Stops the steady publishing and waits for every acknowledgement. */
    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join();
        }
        awaitAcknowledged();
    }

    private void publishNext() {
        int n = next.getAndIncrement();
        CompletableFuture<PublishReceipt> future = publisher.publish(task.apply(n));
        pending.add(future);
        future.whenComplete((receipt, error) -> {
            if (error != null) {
                synchronized (failures) {
                    failures.add(error);
                }
            } else {
                receipts.put(n, receipt);
            }
        });
    }

    private void awaitAcknowledged() throws InterruptedException {
        CompletableFuture<PublishReceipt> future;
        while ((future = pending.poll()) != null) {
            try {
                future.get(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // Recorded by the future's own callback.
            }
        }
    }

    /** Tasks handed to the publisher so far (numbered 0 to this minus one). */
    int published() {
        return next.get();
    }

    /** The receipt of task {@code n}, or null when it was not acknowledged (yet). */
    PublishReceipt receipt(int n) {
        return receipts.get(n);
    }

    /** Task {@code n}'s partition, or -1 when it has no receipt. */
    int partitionOf(int n) {
        PublishReceipt receipt = receipts.get(n);
        return receipt == null ? -1 : receipt.partition();
    }

    /** Publishes that failed, so far. */
    List<Throwable> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        publisher.close();
    }
}
