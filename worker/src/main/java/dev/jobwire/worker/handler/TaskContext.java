package dev.jobwire.worker.handler;

import java.time.Instant;
import java.util.concurrent.Callable;

/** What the worker offers a handler during one attempt. */
public interface TaskContext {

    /** 1 for the first attempt, 2 for the first retry, and so on. */
    int attempt();

    /** When the task as a whole must be finished; the worker cancels it then. */
    Instant deadline();

    /**
     * Runs a CPU-bound step on the worker's core-sized pool and waits for it. I/O belongs on the
     * calling (virtual) thread; computation belongs here, so N cores run N computations, not
     * hundreds fighting over them. If the attempt is cancelled while waiting, the step is
     * interrupted too.
     *
     * @throws InterruptedException if the attempt was cancelled
     * @throws Exception            whatever the step threw
     */
    <T> T cpu(Callable<T> step) throws Exception;
}
