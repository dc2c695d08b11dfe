package dev.jobwire.worker.execution;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.RateLimiter;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.handler.NonRetryableException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What one attempt holds while it runs: its type's circuit-breaker permit, a bulkhead permit, a
 * rate-limiter permit and an I/O slot. {@link #acquire} takes them in that order, each wait ending
 * at the task's deadline, and gives up the I/O slot while it waits; {@link #close} gives back what
 * must go back, whatever happened in between.
 *
 * <p>One instance per attempt, used by the task's own thread only.
 */
final class AttemptPermits implements AutoCloseable {
    private static final Duration BREAKER_POLL = Duration.ofMillis(100);

    private final TypePolicies policies;
    private boolean breakerPermit;
    private boolean resultRecorded;
    private boolean bulkheadPermit;

    private AttemptPermits(TypePolicies policies) {
        this.policies = policies;
    }

    /**
     * Waits for every permit the attempt needs; an I/O slot last.
     *
     * @param attemptsSoFar for the message if the deadline ends a wait
     * @throws DeadlineExceededException if the deadline passes while waiting
     * @throws TaskCancelledException    if the task is cancelled while waiting
     * @throws InterruptedException      if interrupted while waiting
     */
    static AttemptPermits acquire(TypePolicies policies, Runner runner, Deadline deadline, WorkItem item, int attemptsSoFar) throws DeadlineExceededException, TaskCancelledException, InterruptedException {
        AttemptPermits permits = new AttemptPermits(policies);
        try {
            permits.awaitBreaker(runner, deadline, item, attemptsSoFar);
            permits.takeBulkhead(runner, deadline, attemptsSoFar);
            permits.takeRateLimit(runner, deadline, attemptsSoFar);
            if (item.isCancelled()) {
                throw new TaskCancelledException("cancelled before attempt " + (attemptsSoFar + 1));
            }
            if (!runner.reacquireSlot(deadline.nanos())) {
                throw DeadlineExceededException.betweenAttempts(deadline.at(), attemptsSoFar);
            }
            return permits;
        } catch (Throwable e) {
            permits.close();
            throw e;
        }
    }

    /**
     * While the type's breaker is open, tasks wait here instead of burning attempts into the
     * dead-letter topic. They stay active, so once the active limit is reached no new task starts,
     * the buffer fills and partitions pause.
     */
    private void awaitBreaker(Runner runner, Deadline deadline, WorkItem item, int attemptsSoFar)
            throws InterruptedException, TaskCancelledException, DeadlineExceededException {
        CircuitBreaker<Object> breaker = policies.breaker();
        if (breaker == null) {
            return;
        }
        if (!breaker.tryAcquirePermit()) {
            runner.releaseSlot();
            while (!breaker.tryAcquirePermit()) {
                if (item.isCancelled()) {
                    throw new TaskCancelledException("cancelled while the breaker was open");
                }
                long left = deadline.nanosLeft();
                if (left <= 0) {
                    throw DeadlineExceededException.betweenAttempts(deadline.at(), attemptsSoFar);
                }
                Duration wait = breaker.getRemainingDelay();
                long waitNanos = wait.isPositive() && wait.compareTo(BREAKER_POLL) < 0 ? wait.toNanos() : BREAKER_POLL.toNanos();
                TimeUnit.NANOSECONDS.sleep(Math.min(waitNanos, left));
            }
        }
        breakerPermit = true;
    }

    private void takeBulkhead(Runner runner, Deadline deadline, int attemptsSoFar)
            throws InterruptedException, DeadlineExceededException {
        Semaphore bulkhead = policies.bulkhead();
        if (bulkhead == null) {
            return;
        }
        if (!bulkhead.tryAcquire(0, TimeUnit.NANOSECONDS)) { // unlike tryAcquire(), queues fairly
            runner.releaseSlot();
            if (!bulkhead.tryAcquire(Math.max(0, deadline.nanosLeft()), TimeUnit.NANOSECONDS)) {
                throw DeadlineExceededException.betweenAttempts(deadline.at(), attemptsSoFar);
            }
        }
        bulkheadPermit = true;
    }

    private void takeRateLimit(Runner runner, Deadline deadline, int attemptsSoFar)
            throws InterruptedException, DeadlineExceededException {
        RateLimiter<Object> rateLimiter = policies.rateLimiter();
        if (rateLimiter != null && !rateLimiter.tryAcquirePermit()) {
            runner.releaseSlot();
            if (!rateLimiter.tryAcquirePermit(Duration.ofNanos(Math.max(0, deadline.nanosLeft())))) {
                throw DeadlineExceededException.betweenAttempts(deadline.at(), attemptsSoFar);
            }
        }
    }

    /**
     * Tells the breaker how the attempt went. A bad input (non-retryable) is an answer from a
     * healthy dependency; other failures count against it. The task's own deadline says nothing
     * about the dependency and is not counted, except that a half-open breaker's trial permit must
     * be returned, and an attempt cut short gave no answer that could close it.
     *
     * @param failure null for success
     */
    void record(Throwable failure) {
        CircuitBreaker<Object> breaker = policies.breaker();
        if (breaker == null || !breakerPermit) {
            return;
        }
        resultRecorded = true;
        if (failure instanceof DeadlineExceededException) {
            if (breaker.isHalfOpen()) {
                breaker.recordFailure();
            }
        } else if (failure == null || failure instanceof NonRetryableException) {
            breaker.recordSuccess();
        } else {
            breaker.recordFailure();
        }
    }

    @Override
    public void close() {
        if (bulkheadPermit) {
            bulkheadPermit = false;
            policies.bulkhead().release();
        }
        if (breakerPermit && !resultRecorded && policies.breaker().isHalfOpen()) {
            // A half-open breaker lends one trial permit, returned only by a recorded result. A task
            // cancelled or expired before its attempt must not keep it, or the breaker never closes;
            // without a real answer it cannot close it either, so the trial failed.
            resultRecorded = true;
            policies.breaker().recordFailure();
        }
    }
}
