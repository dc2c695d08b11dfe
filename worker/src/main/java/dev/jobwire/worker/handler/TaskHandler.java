package dev.jobwire.worker.handler;

/**
 * Runs one task type. The worker calls {@link #handle} once per attempt, on a virtual thread, so
 * blocking I/O is cheap; CPU-heavy steps belong in {@link TaskContext#cpu}.
 *
 * <p>Return normally for success. Throw to fail the attempt: it is retried per the type's policy
 * unless the exception is a {@link NonRetryableException}. Cancellation (attempt timeout, task
 * deadline, shutdown) arrives as a thread interrupt: blocking calls throw
 * {@link InterruptedException}, and long loops should check {@link Thread#interrupted()}.
 *
 * <p>Implementations must be thread-safe: many tasks of one type run at once. A task's thread
 * runs other tasks before and after it, so a thread-local set here (a tracing scope, say) must be
 * cleared before returning.
 */
@FunctionalInterface
public interface TaskHandler {
    void handle(Task task, TaskContext context) throws Exception;
}
