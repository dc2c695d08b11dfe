package dev.jobwire.worker.execution;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import dev.failsafe.RetryPolicyConfig;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs the attempts of one task through Failsafe and says how it ended: the retry policy (backoff
 * with jitter; waiting parks a virtual thread, not a pool thread), then per attempt: wait while the
 * type's circuit breaker is open, take a bulkhead and a rate-limiter permit, take an I/O slot, and
 * run the handler under the attempt timeout (which interrupts it).
 *
 * <p>The task's deadline needs no timer of its own (one per task cost about a sixth of the
 * worker's CPU on no-op tasks): each wait above is bounded by the time left, the attempt timeout
 * is cut to it, the retry policy's max duration ends the backoff at it, and a failure whose
 * shortest backoff would end past it expires at once.
 *
 * <p>One instance per task, used by the task's own thread only.
 */
public final class TaskExecution {
    private static final Duration BREAKER_POLL = Duration.ofMillis(100);
    /** Failsafe sleeps whole milliseconds, so a backoff cut at the deadline may wake just before it. */
    private static final Duration LEAST_ATTEMPT_TIME = Duration.ofMillis(1);

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
    /** The deadline was too close for even one backoff when the task started: one attempt only. */
    private boolean singleAttempt;

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
        Duration left = timeLeft();
        if (!left.isPositive()) {
            return new Outcome.Failed(DeadLetterReason.EXPIRED, 0, List.of(), DeadlineExceededException.beforeStart(deadline));
        }
        try {
            Failsafe.with(retryWithin(left)).run(this::attempt);
            return new Outcome.Succeeded(attempts);
        } catch (FailsafeException e) {
            return failed(e.getCause() == null ? e : e.getCause());
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    /** The type's retry policy, its backoff ending at the deadline (a per-task copy costs far less than a timer). */
    private RetryPolicy<Object> retryWithin(Duration left) {
        RetryPolicyConfig<Object> config = policies.retry().getConfig();
        RetryPolicyBuilder<Object> retry = RetryPolicy.builder(config);
        // Failsafe wants the max duration above the first delay; with less time left, one attempt.
        singleAttempt = left.compareTo(config.getDelay()) <= 0;
        return singleAttempt ? retry.withMaxRetries(0).build() : retry.withMaxDuration(left).build();
    }

    private Outcome failed(Throwable failure) {
        if (cancelled.getAsBoolean() || failure instanceof TaskCancelledException) {
            return new Outcome.Cancelled(attempts);
        }
        if (failure instanceof DeadlineExceededException expired) {
            return new Outcome.Failed(DeadLetterReason.EXPIRED, attempts, List.copyOf(failures), expired);
        }
        if (failure instanceof NonRetryableException) {
            return new Outcome.Failed(DeadLetterReason.NON_RETRYABLE, attempts, List.copyOf(failures), failure);
        }
        if (TypePolicies.isRetryable(failure) && attempts < policies.config().maxAttempts()
                && (singleAttempt || !timeForAnotherAttempt())) {
            // Attempts left, but the retry policy stopped at the deadline.
            DeadlineExceededException expired = DeadlineExceededException.betweenAttempts(deadline, attempts);
            return new Outcome.Failed(DeadLetterReason.EXPIRED, attempts, List.copyOf(failures), expired);
        }
        return new Outcome.Failed(DeadLetterReason.RETRIES_EXHAUSTED, attempts, List.copyOf(failures), failure);
    }

    /**
     * One attempt; throws its failure so the retry policy can judge it. Waiting for the breaker,
     * the bulkhead or the rate limiter gives up the task's I/O slot. The backoff before a retry
     * keeps it: a timed-out request may still be running at the other end, and handing its slot
     * to a new request at once would push the dependency past the concurrency it was promised.
     * Every wait ends at the deadline.
     */
    private void attempt() throws Exception {
        checkDeadline();
        boolean breakerPermit = awaitBreaker();
        boolean breakerTold = false;
        Semaphore bulkhead = policies.bulkhead();
        boolean bulkheadPermit = false;
        try {
            if (bulkhead != null) {
                if (!bulkhead.tryAcquire(0, TimeUnit.NANOSECONDS)) { // unlike tryAcquire(), queues fairly
                    ioSlot.release();
                    if (!bulkhead.tryAcquire(nanosLeft(), TimeUnit.NANOSECONDS)) {
                        throw DeadlineExceededException.betweenAttempts(deadline, attempts);
                    }
                }
                bulkheadPermit = true;
            }
            var rateLimiter = policies.rateLimiter();
            if (rateLimiter != null && !rateLimiter.tryAcquirePermit()) {
                ioSlot.release();
                if (!rateLimiter.tryAcquirePermit(timeLeft())) {
                    throw DeadlineExceededException.betweenAttempts(deadline, attempts);
                }
            }
            checkNotCancelled();
            if (!ioSlot.reacquire(deadline)) {
                throw DeadlineExceededException.betweenAttempts(deadline, attempts);
            }
            Duration left = checkDeadline();
            boolean cutToDeadline = left.compareTo(policies.config().attemptTimeout()) < 0;
            FailsafeExecutor<Object> runner = cutToDeadline
                    ? Failsafe.with(Timeout.builder(left).withInterrupt().build())
                    : policies.attemptRunner();
            int attempt = ++attempts;
            try {
                runner.run(() -> handler.handle(task, new Context(attempt)));
                recordBreaker(null);
                breakerTold = true;
            } catch (Throwable failure) {
                Throwable cause = unwrap(failure, attempt, cutToDeadline);
                if (cancelled.getAsBoolean()) {
                    throw new TaskCancelledException("cancelled during attempt " + attempt);
                }
                recordBreaker(cause);
                breakerTold = true;
                failures.add(AttemptFailure.of(attempt, clock.instant(), cause));
                if (TypePolicies.isRetryable(cause) && attempt < policies.config().maxAttempts() && !timeForAnotherAttempt()) {
                    // No retry can start before the deadline: end now rather than sleep up to it.
                    throw DeadlineExceededException.betweenAttempts(deadline, attempt);
                }
                if (cause instanceof Exception exception) {
                    throw exception;
                }
                throw new IllegalStateException(cause);
            }
        } finally {
            if (bulkheadPermit) {
                bulkhead.release();
            }
            if (breakerPermit && !breakerTold && policies.breaker().isHalfOpen()) {
                // A half-open breaker lends one trial permit, returned only by a recorded result. A
                // task cancelled or expired before its attempt must not keep it, or the breaker never
                // closes; without a real answer it cannot close it either, so the trial failed.
                policies.breaker().recordFailure();
            }
        }
    }

    /**
     * The failure as the handler meant it: Failsafe's wrapping removed, timeouts and expiry named.
     * With {@code cutToDeadline} the attempt's timeout was the deadline.
     */
    private Throwable unwrap(Throwable failure, int attempt, boolean cutToDeadline) {
        if (failure instanceof TimeoutExceededException) {
            return cutToDeadline
                    ? DeadlineExceededException.during(deadline, attempt)
                    : new AttemptTimeoutException(attempt, policies.config().attemptTimeout());
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
    private boolean awaitBreaker() throws InterruptedException, TaskCancelledException, DeadlineExceededException {
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
            Duration left = checkDeadline();
            Duration wait = breaker.getRemainingDelay();
            wait = wait.isPositive() && wait.compareTo(BREAKER_POLL) < 0 ? wait : BREAKER_POLL;
            Thread.sleep(wait.compareTo(left) < 0 ? wait : left);
        }
        return true;
    }

    /**
     * A bad input (non-retryable) is an answer from a healthy dependency; other failures count
     * against it. The task's own deadline says nothing about the dependency and is not counted,
     * except that a half-open breaker's trial permit must be returned, and an attempt cut short
     * gave no answer that could close it.
     */
    private void recordBreaker(Throwable failure) {
        CircuitBreaker<Object> breaker = policies.breaker();
        if (breaker == null) {
            return;
        }
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

    private Duration timeLeft() {
        return Duration.between(clock.instant(), deadline);
    }

    /** {@link #timeLeft()} in nanoseconds, 0 when past, capped where a {@code long} ends. */
    private long nanosLeft() {
        Duration left = timeLeft();
        return left.isNegative() ? 0 : left.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : left.toNanos();
    }

    /** Whether a retry could still start before the deadline after the shortest backoff. */
    private boolean timeForAnotherAttempt() {
        return clock.instant().plus(policies.shortestBackoffAfter(Math.max(1, attempts))).plus(LEAST_ATTEMPT_TIME)
                .isBefore(deadline);
    }

    /** @return the time left before the deadline, at least {@link #LEAST_ATTEMPT_TIME} */
    private Duration checkDeadline() throws DeadlineExceededException {
        Duration left = timeLeft();
        if (left.compareTo(LEAST_ATTEMPT_TIME) < 0) {
            throw DeadlineExceededException.betweenAttempts(deadline, attempts);
        }
        return left;
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
                if (!ioSlot.reacquire(deadline)) {
                    throw DeadlineExceededException.during(deadline, attempt);
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
}
