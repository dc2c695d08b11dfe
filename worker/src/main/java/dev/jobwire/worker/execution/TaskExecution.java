package dev.jobwire.worker.execution;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.worker.dispatch.IoSlot;
import dev.jobwire.worker.handler.NonRetryableException;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskContext;
import dev.jobwire.worker.handler.TaskHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Runs the attempts of one task through Failsafe and says how it ended. Policies, outermost
 * first: the task deadline (a {@link Timeout} that interrupts), the retry policy (backoff with
 * jitter; waiting parks a virtual thread, not a pool thread), then per
 * attempt: wait while the type's circuit breaker is open, take a bulkhead and a rate-limiter
 * permit, take an I/O slot, and run the handler under the attempt timeout (which interrupts it).
 *
 * <p>One instance per task, used by the task's own thread only.
 */
public final class TaskExecution {
    private static final Duration BREAKER_POLL = Duration.ofMillis(100);

    private final Task task;
    private final TaskHandler handler;
    private final TypePolicies policies;
    private final Instant deadline;
    private final BooleanSupplier cancelled;
    private final ExecutorService cpuPool;
    private final IoSlot ioSlot;
    private final Clock clock;
    private final List<AttemptFailure> failures = new ArrayList<>();
    private int attempts;

    public TaskExecution(Task task, TaskHandler handler, TypePolicies policies, Instant deadline,
            BooleanSupplier cancelled, ExecutorService cpuPool, IoSlot ioSlot, Clock clock) {
        this.task = task;
        this.handler = handler;
        this.policies = policies;
        this.deadline = deadline;
        this.cancelled = cancelled;
        this.cpuPool = cpuPool;
        this.ioSlot = ioSlot;
        this.clock = clock;
    }

    public Outcome run() {
        Duration left = Duration.between(clock.instant(), deadline);
        if (!left.isPositive()) {
            return new Outcome.Failed(DeadLetterReason.EXPIRED, 0, List.of(), DeadlineExceededException.beforeStart(deadline));
        }
        Timeout<Object> deadlineTimeout = Timeout.builder(left).withInterrupt().build();
        try {
            Failsafe.with(deadlineTimeout, policies.retry()).run(this::attempt);
            return new Outcome.Succeeded(attempts);
        } catch (TimeoutExceededException e) {
            if (cancelled.getAsBoolean()) {
                return new Outcome.Cancelled(attempts);
            }
            DeadlineExceededException expired = DeadlineExceededException.during(deadline, attempts);
            return new Outcome.Failed(DeadLetterReason.EXPIRED, attempts, recordIfRunning(expired), expired);
        } catch (FailsafeException e) {
            return failed(e.getCause() == null ? e : e.getCause());
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    private Outcome failed(Throwable failure) {
        if (cancelled.getAsBoolean() || failure instanceof TaskCancelledException) {
            return new Outcome.Cancelled(attempts);
        }
        DeadLetterReason reason = failure instanceof NonRetryableException
                ? DeadLetterReason.NON_RETRYABLE
                : DeadLetterReason.RETRIES_EXHAUSTED;
        return new Outcome.Failed(reason, attempts, List.copyOf(failures), failure);
    }

    /** The deadline struck mid-attempt: that attempt's failure is the expiry itself. */
    private List<AttemptFailure> recordIfRunning(DeadlineExceededException expired) {
        if (failures.size() < attempts) {
            failures.add(AttemptFailure.of(attempts, clock.instant(), expired));
        }
        return List.copyOf(failures);
    }

    /**
     * One attempt; throws its failure so the retry policy can judge it. Waiting for the breaker,
     * the bulkhead or the rate limiter gives up the task's I/O slot. The backoff before a retry
     * keeps it: a timed-out request may still be running at the other end, and handing its slot
     * to a new request at once would push the dependency past the concurrency it was promised.
     */
    private void attempt() throws Exception {
        boolean breakerPermit = awaitBreaker();
        boolean breakerTold = false;
        var bulkhead = policies.bulkhead();
        boolean bulkheadPermit = false;
        try {
            if (bulkhead != null) {
                if (!bulkhead.tryAcquirePermit()) {
                    ioSlot.release();
                    bulkhead.acquirePermit();
                }
                bulkheadPermit = true;
            }
            var rateLimiter = policies.rateLimiter();
            if (rateLimiter != null && !rateLimiter.tryAcquirePermit()) {
                ioSlot.release();
                rateLimiter.acquirePermit();
            }
            checkNotCancelled();
            ioSlot.reacquire();
            int attempt = ++attempts;
            try {
                policies.attemptRunner().run(() -> handler.handle(task, new Context(attempt)));
                recordBreaker(null);
                breakerTold = true;
            } catch (Throwable failure) {
                Throwable cause = unwrap(failure, attempt);
                if (cancelled.getAsBoolean()) {
                    throw new TaskCancelledException("cancelled during attempt " + attempt);
                }
                recordBreaker(cause);
                breakerTold = true;
                failures.add(AttemptFailure.of(attempt, clock.instant(), cause));
                if (cause instanceof Exception exception) {
                    throw exception;
                }
                throw new IllegalStateException(cause);
            }
        } finally {
            if (bulkheadPermit) {
                bulkhead.releasePermit();
            }
            if (breakerPermit && !breakerTold && policies.breaker().isHalfOpen()) {
                // A half-open breaker lends one trial permit, returned only by a recorded result. An
                // attempt cancelled before it had one must not keep it, or the breaker never closes.
                policies.breaker().recordFailure();
            }
        }
    }

    /** The failure as the handler meant it: Failsafe's wrapping removed, timeouts and expiry named. */
    private Throwable unwrap(Throwable failure, int attempt) {
        if (failure instanceof TimeoutExceededException) {
            return new AttemptTimeoutException(attempt, policies.config().attemptTimeout());
        }
        Throwable cause = failure instanceof FailsafeException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof InterruptedException && !clock.instant().isBefore(deadline)) {
            return DeadlineExceededException.during(deadline, attempt);
        }
        return cause;
    }

    /**
     * While the type's breaker is open, tasks wait here instead of burning attempts into the
     * dead-letter topic. They stay active, so once the active limit is reached no new task starts,
     * the buffer fills and partitions pause.
     */
    private boolean awaitBreaker() throws InterruptedException, TaskCancelledException {
        CircuitBreaker<Object> breaker = policies.breaker();
        if (breaker == null) {
            return false;
        }
        if (breaker.tryAcquirePermit()) {
            return true;
        }
        ioSlot.release();
        while (!breaker.tryAcquirePermit()) {
            checkNotCancelled();
            Duration wait = breaker.getRemainingDelay();
            Thread.sleep(wait.isPositive() && wait.compareTo(BREAKER_POLL) < 0 ? wait : BREAKER_POLL);
        }
        return true;
    }

    /**
     * A bad input (non-retryable) or the task's own deadline says nothing about the dependency's
     * health; other failures do.
     */
    private void recordBreaker(Throwable failure) {
        CircuitBreaker<Object> breaker = policies.breaker();
        if (breaker == null) {
            return;
        }
        if (failure == null || failure instanceof NonRetryableException || failure instanceof DeadlineExceededException) {
            breaker.recordSuccess();
        } else {
            breaker.recordFailure();
        }
    }

    private void checkNotCancelled() throws TaskCancelledException {
        if (cancelled.getAsBoolean()) {
            throw new TaskCancelledException("cancelled before attempt " + (attempts + 1));
        }
    }

    private final class Context implements TaskContext {
        private final int attempt;

        Context(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public Instant deadline() {
            return deadline;
        }

        /** Gives up the I/O slot for the step; on success takes it back, on failure the attempt ends without it. */
        @Override
        public <T> T cpu(Callable<T> step) throws Exception {
            ioSlot.release();
            Future<T> result = cpuPool.submit(step);
            try {
                T value = result.get();
                ioSlot.reacquire();
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
}
