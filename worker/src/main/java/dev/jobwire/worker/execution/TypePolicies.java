package dev.jobwire.worker.execution;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.jobwire.worker.config.TaskTypePolicy;
import dev.jobwire.worker.handler.NonRetryableException;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * The Failsafe policies of one task type, built once from its {@link TaskTypePolicy} and shared
 * by all its tasks (the breaker, bulkhead and rate limiter must be shared to mean anything).
 * {@code attemptRunner} runs one attempt under the attempt timeout; built once, as it is used on
 * every attempt.
 * Immutable; the Failsafe policies are thread-safe.
 */
public record TypePolicies(
        TaskTypePolicy config,
        RetryPolicy<Object> retry,
        Timeout<Object> attemptTimeout,
        FailsafeExecutor<Object> attemptRunner,
        CircuitBreaker<Object> breaker,
        Semaphore bulkhead,
        RateLimiter<Object> rateLimiter) {

    public static TypePolicies of(TaskTypePolicy config) {
        RetryPolicy<Object> retry = RetryPolicy.builder()
                .withMaxAttempts(config.maxAttempts())
                .withBackoff(minPositive(config.backoffInitial()), minPositive(config.backoffMax()))
                .withJitter(config.jitter())
                .handleIf(TypePolicies::isRetryable)
                .build();
        Timeout<Object> attemptTimeout = Timeout.builder(config.attemptTimeout()).withInterrupt().build();
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
        return new TypePolicies(config, retry, attemptTimeout, Failsafe.with(attemptTimeout), breaker, bulkhead, rateLimiter);
    }

    /**
     * The shortest backoff the retry policy can wait after failed attempt {@code attempt}: the
     * doubling delay, capped, less all the jitter it may take off.
     */
    public Duration shortestBackoffAfter(int attempt) {
        Duration initial = retry.getConfig().getDelay();
        Duration max = retry.getConfig().getMaxDelay();
        Duration delay = attempt >= 31 ? max : initial.multipliedBy(1L << (attempt - 1));
        if (delay.compareTo(max) > 0) {
            delay = max;
        }
        return Duration.ofNanos((long) (delay.toNanos() * (1 - config.jitter())));
    }

    /** Worth another attempt: anything but a handler's "no point", a cancellation and the deadline. */
    static boolean isRetryable(Throwable failure) {
        return !(failure instanceof NonRetryableException) && !(failure instanceof TaskCancelledException)
                && !(failure instanceof DeadlineExceededException);
    }

    private static Duration minPositive(Duration d) {
        return d.isZero() ? Duration.ofMillis(1) : d;
    }
}
