package dev.jobwire.worker.it;

import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskContext;
import dev.jobwire.worker.handler.TaskHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts executions per task id, optionally sleeping first (interruptibly) to simulate work. */
final class RecordingHandler implements TaskHandler {
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final long sleepMillis;

    RecordingHandler(long sleepMillis) {
        this.sleepMillis = sleepMillis;
    }

    @Override
    public void handle(Task task, TaskContext context) throws Exception {
        if (sleepMillis > 0) {
            Thread.sleep(sleepMillis);
        }
        executions.computeIfAbsent(task.id(), id -> new AtomicInteger()).incrementAndGet();
    }

    int distinct() {
        return executions.size();
    }

    boolean executed(String id) {
        return executions.containsKey(id);
    }

    int duplicates() {
        return executions.values().stream().mapToInt(c -> c.get() - 1).sum();
    }
}
