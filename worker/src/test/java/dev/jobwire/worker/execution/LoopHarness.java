package dev.jobwire.worker.execution;

import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.TestItems;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskHandler;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Runs attempt loops the way the worker does: on task threads under admission, with the task timer
 * interrupting attempts past their time. Each {@link #run} is one task on its own lane.
 */
final class LoopHarness implements AutoCloseable {
    private final Map<WorkItem, Function<Runner, Object>> jobs = new ConcurrentHashMap<>();
    private final TestItems items = new TestItems();
    private final AtomicLong offsets = new AtomicLong();
    final ExecutorService cpu = Executors.newFixedThreadPool(2);
    final TaskThreads threads;
    private final TaskTimer timer;

    LoopHarness(int maxInFlight, int cpuQueue) {
        threads = new TaskThreads(maxInFlight, cpuQueue, (item, runner) -> jobs.remove(item).apply(runner));
        timer = new TaskTimer(threads, threads.admission()).start();
    }

    LoopHarness() {
        this(8, 8);
    }

    static Task task() {
        return new Task(TaskMetadata.create("test.type", null, null, null), null, new byte[0], Map.of(), "t", 0, 0);
    }

    /** Runs {@code job} on a task thread of a new lane and returns what it returned. */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Lane lane, Function<Runner, T> job) {
        CompletableFuture<T> result = new CompletableFuture<>();
        List<WorkItem> one = items.items(lane, offsets.getAndIncrement(), 1);
        jobs.put(one.get(0), runner -> {
            try {
                T value = job.apply(runner);
                result.complete(value);
                return value;
            } catch (Throwable e) {
                result.completeExceptionally(e);
                return null;
            }
        });
        threads.admission().add(lane, one);
        return result;
    }

    Outcome run(TaskHandler handler, TypePolicies policies, Instant deadline, Lane lane, RetryPlan plan, HandOff handOff) {
        return submit(lane, runner -> new AttemptLoop(task(), handler, policies, Deadline.at(deadline), runner.current(),
                runner, cpu, plan, handOff).run(System.nanoTime())).join();
    }

    Outcome run(TaskHandler handler, TypePolicies policies, Instant deadline) {
        return run(handler, policies, deadline, new Lane("lane"), RetryPlan.FIRST_ROUND, HandOff.NEVER);
    }

    @Override
    public void close() throws InterruptedException {
        timer.close();
        cpu.shutdownNow();
        cpu.awaitTermination(5, TimeUnit.SECONDS);
    }
}
