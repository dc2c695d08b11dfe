package dev.jobwire.worker.execution;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import dev.jobwire.worker.config.TaskTypePolicy;
import dev.jobwire.worker.handler.NonRetryableException;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * The policies of one task type, built once from its {@link TaskTypePolicy} and shared by all its
 * tasks (the breaker, bulkhead and rate limiter must be shared to mean anything). Failsafe does
 * what it is good at: the retry policy (backoff, jitter, attempts, what is retryable), the circuit
 * breaker and the rate limiter. Attempt timeouts are the worker's own ({@link TaskTimer}): one
 * timer for every attempt instead of one per attempt.
 *
 * <p>Immutable; the Failsafe policies and the semaphore are thread-safe.
 */
public record TypePolicies(
        TaskTypePolicy config,
        RetryPolicy<Object> retry,
        CircuitBreaker<Object> breaker,
        Semaphore bulkhead,
        RateLimiter<Object> rateLimiter,
        long attemptTimeoutNanos) {

    /**
     * @throws IllegalArgumentException when Failsafe refuses a setting (e.g. a backoff whose
     *                                  initial delay is not below its maximum, a breaker period
     *                                  under 10 ms), with Failsafe's reason
     */
    public static TypePolicies of(TaskTypePolicy config) {
        RetryPolicyBuilder<Object> retry = RetryPolicy.builder()
                .withMaxAttempts(config.maxAttempts())
                .handleIf(TypePolicies::isRetryable);
        Duration initial = minPositive(config.backoffInitial());
        Duration max = minPositive(config.backoffMax());
        if (initial.equals(max)) {
            retry.withDelay(initial); // Failsafe's backoff needs initial < max; equal means a fixed delay
        } else {
            retry.withBackoff(initial, max);
        }
        retry.withJitter(config.jitter());
        CircuitBreaker<Object> breaker = config.breakerEnabled()
                ? CircuitBreaker.builder()
                        .withFailureRateThreshold(config.breakerFailureRate(), config.breakerMinAttempts(),
                                config.breakerPeriod())
                        .withDelay(config.breakerDelay())
                        .withSuccessThreshold(1)
                        .build()
                : null;
        // A fair semaphore, not Failsafe's Bulkhead: its timed acquire leaves the timed-out waiter
        // queued, and the next released permit goes to it and is lost for good.
        Semaphore bulkhead = config.concurrencyLimit() > 0 ? new Semaphore(config.concurrencyLimit(), true) : null;
        RateLimiter<Object> rateLimiter = config.ratePerSecond() > 0
                ? RateLimiter.smoothBuilder(Duration.ofNanos((long) (1_000_000_000L / config.ratePerSecond()))).build()
                : null;
        return new TypePolicies(config, retry.build(), breaker, bulkhead, rateLimiter, saturatedNanos(config.attemptTimeout()));
    }

    /** Worth another attempt: anything but a handler's "no point", a cancellation and the deadline. */
    static boolean isRetryable(Throwable failure) {
        return !(failure instanceof NonRetryableException) && !(failure instanceof TaskCancelledException)
                && !(failure instanceof DeadlineExceededException);
    }

    private static Duration minPositive(Duration d) {
        return d.isZero() ? Duration.ofMillis(1) : d;
    }

    /** Nanoseconds, capped at a century so sums with {@link System#nanoTime()} cannot overflow. */
    static long saturatedNanos(Duration duration) {
        Duration century = Duration.ofDays(36_500);
        return (duration.compareTo(century) > 0 ? century : duration).toNanos();
    }
}
