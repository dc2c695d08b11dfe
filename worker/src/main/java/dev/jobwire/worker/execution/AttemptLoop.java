package dev.jobwire.worker.execution;

import dev.failsafe.Execution;
import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.handler.NonRetryableException;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the attempts of one round of a task and says how it ended. A first attempt pays for
 * nothing it does not use: its permits ({@link AttemptPermits}), a timer armed with one write
 * ({@link Runner}), the handler. Only a failure brings in Failsafe's retry policy (a standalone
 * {@link Execution}), which says whether to retry and after what backoff; a backoff long enough
 * ends the round ({@link Outcome.RetryLater}) instead of waiting here.
 *
 * <p>The deadline needs no timer either: every wait ends at it, an attempt's time is cut to it,
 * and a failure whose backoff would end past it expires at once.
 *
 * <p>One instance per round, used by the task's own thread only.
 */
public final class AttemptLoop {
    /** An attempt needs at least this much time left to start. */
    private static final long LEAST_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Task task;
    private final TaskHandler handler;
    private final TypePolicies policies;
    private final Deadline deadline;
    private final WorkItem item;
    private final Runner runner;
    private final ExecutorService cpuPool;
    private final RetryPlan plan;
    private final HandOff handOff;
    private List<AttemptFailure> failures;
    private int attempts;

    /**
     * @param item    the record the task came in; its lane says when the task is cancelled
     * @param plan    the earlier rounds, if any
     * @param handOff which retries leave the worker to wait
     */
    public AttemptLoop(Task task, TaskHandler handler, TypePolicies policies, Deadline deadline, WorkItem item,
            Runner runner, ExecutorService cpuPool, RetryPlan plan, HandOff handOff) {
        this.task = task;
        this.handler = handler;
        this.policies = policies;
        this.deadline = deadline;
        this.item = item;
        this.runner = runner;
        this.cpuPool = cpuPool;
        this.plan = plan;
        this.handOff = handOff;
        this.attempts = plan.priorAttempts();
    }

    /** @param startedNanos when the task started ({@link System#nanoTime()}): the first attempt reads no clock of its own */
    public Outcome run(long startedNanos) {
        if (deadline.nanosLeft(startedNanos) <= 0) {
            return failed(DeadLetterReason.EXPIRED, DeadlineExceededException.beforeStart(deadline.at()));
        }
        Execution<Object> retries = null;
        long now = startedNanos;
        while (true) {
            Throwable failure = attempt(now);
            if (failure == null) {
                return new Outcome.Succeeded(attempts);
            }
            if (item.isCancelled() || failure instanceof TaskCancelledException) {
                return new Outcome.Cancelled(attempts);
            }
            if (failure instanceof DeadlineExceededException) {
                return failed(DeadLetterReason.EXPIRED, failure);
            }
            if (failure instanceof NonRetryableException) {
                return failed(DeadLetterReason.NON_RETRYABLE, failure);
            }
            if (retries == null) {
                retries = plan.resume(policies.retry());
            }
            if (!retries.isComplete()) {
                retries.recordException(failure);
            }
            if (retries.isComplete()) {
                return failed(DeadLetterReason.RETRIES_EXHAUSTED, failure);
            }
            Duration backoff = retries.getDelay();
            if (deadline.nanosLeft() - TypePolicies.saturatedNanos(backoff) < LEAST_ATTEMPT_NANOS) {
                // No retry can start before the deadline: end now rather than sleep up to it.
                return failed(DeadLetterReason.EXPIRED, DeadlineExceededException.betweenAttempts(deadline.at(), attempts));
            }
            if (handOff.leavesWorker(backoff, item, policies)) {
                return new Outcome.RetryLater(backoff, attempts, List.copyOf(failures()));
            }
            if (!backOff(backoff)) {
                return new Outcome.Cancelled(attempts);
            }
            now = System.nanoTime();
        }
    }

    /**
     * One attempt, with its permits; the failure it ended with, or null for success. Waits that end
     * before the handler runs (the deadline, a cancellation) are not attempts: they are returned
     * without being counted.
     */
    private Throwable attempt(long now) {
        AttemptPermits permits;
        try {
            permits = AttemptPermits.acquire(policies, runner, deadline, item, attempts);
        } catch (DeadlineExceededException | TaskCancelledException e) {
            return e;
        } catch (InterruptedException e) {
            return new TaskCancelledException("interrupted before attempt " + (attempts + 1));
        }
        try (permits) {
            long left = deadline.nanosLeft(now);
            if (left < LEAST_ATTEMPT_NANOS) {
                return DeadlineExceededException.betweenAttempts(deadline.at(), attempts);
            }
            int attempt = ++attempts;
            if (attempt > 1) {
                TaskLogContext.attempt(attempt);
            }
            long timeout = policies.attemptTimeoutNanos();
            boolean cutToDeadline = left < timeout;
            runner.arm(now + (cutToDeadline ? left : timeout));
            Throwable failure = null;
            try {
                handler.handle(task, new AttemptContext(attempt, deadline, runner, cpuPool));
            } catch (Throwable e) {
                failure = e;
            }
            boolean timedOut = runner.disarm();
            if (failure != null) {
                failure = named(failure, attempt, timedOut, cutToDeadline);
            }
            if (item.isCancelled()) {
                return new TaskCancelledException("cancelled during attempt " + attempt);
            }
            permits.record(failure);
            if (failure != null) {
                failures().add(AttemptFailure.of(attempt, Instant.now(), failure));
            }
            return failure;
        }
    }

    /** The failure as the handler meant it, with an interrupt by the timer named for what it was. */
    private Throwable named(Throwable failure, int attempt, boolean timedOut, boolean cutToDeadline) {
        if (timedOut) {
            return cutToDeadline
                    ? DeadlineExceededException.during(deadline.at(), attempt)
                    : new AttemptTimeoutException(attempt, policies.config().attemptTimeout());
        }
        if (failure instanceof InterruptedException && deadline.passed()) {
            return DeadlineExceededException.during(deadline.at(), attempt);
        }
        return failure;
    }

    /**
     * Waits out a backoff; a long one without the I/O slot (the next attempt takes one back).
     *
     * @return false if the task was cancelled meanwhile
     */
    private boolean backOff(Duration backoff) {
        if (handOff.releasesSlot(backoff)) {
            runner.releaseSlot();
        }
        try {
            TimeUnit.NANOSECONDS.sleep(backoff.toNanos());
        } catch (InterruptedException e) {
            return false; // only a cancellation interrupts between attempts
        }
        return !item.isCancelled();
    }

    private Outcome.Failed failed(DeadLetterReason reason, Throwable cause) {
        return new Outcome.Failed(reason, attempts, List.copyOf(failures()), cause);
    }

    private List<AttemptFailure> failures() {
        if (failures == null) {
            failures = new ArrayList<>(plan.priorFailures());
        }
        return failures;
    }
}
