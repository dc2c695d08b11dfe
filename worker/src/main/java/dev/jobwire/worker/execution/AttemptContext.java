package dev.jobwire.worker.execution;

import dev.jobwire.worker.handler.TaskContext;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** What one attempt offers its handler. Used by the task's own thread only. */
final class AttemptContext implements TaskContext {
    private final int attempt;
    private final Deadline deadline;
    private final Runner runner;
    private final ExecutorService cpuPool;

    AttemptContext(int attempt, Deadline deadline, Runner runner, ExecutorService cpuPool) {
        this.attempt = attempt;
        this.deadline = deadline;
        this.runner = runner;
        this.cpuPool = cpuPool;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Instant deadline() {
        return deadline.at();
    }

    /** Gives up the I/O slot for the step; on success takes it back, on failure the attempt ends without it. */
    @Override
    public <T> T cpu(Callable<T> step) throws Exception {
        runner.releaseSlot();
        Future<T> result = cpuPool.submit(step);
        try {
            T value = result.get();
            if (!runner.reacquireSlot(deadline.nanos())) {
                throw DeadlineExceededException.during(deadline.at(), attempt);
            }
            return value;
        } catch (InterruptedException e) {
            result.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
