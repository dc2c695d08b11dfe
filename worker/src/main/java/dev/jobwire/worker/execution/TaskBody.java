package dev.jobwire.worker.execution;

import dev.jobwire.worker.admission.WorkItem;

/**
 * Runs one admitted record to its end on a task thread: success, a handed-off write, a hold or a
 * cancellation. Called on a thread that runs other records before and after, so it must not throw
 * nor leave thread-local state (the MDC) behind.
 */
@FunctionalInterface
public interface TaskBody {
    void run(WorkItem item, Runner runner);
}
