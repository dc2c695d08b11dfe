package dev.jobwire.worker.execution;

import dev.failsafe.Bulkhead;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.jobwire.worker.config.TaskTypePolicy;
import dev.jobwire.worker.handler.NonRetryableException;
import java.time.Duration;

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
        Bulkhead<Object> bulkhead,
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
        Bulkhead<Object> bulkhead = config.concurrencyLimit() > 0 ? Bulkhead.of(config.concurrencyLimit()) : null;
        RateLimiter<Object> rateLimiter = config.ratePerSecond() > 0
                ? RateLimiter.smoothBuilder(Duration.ofNanos((long) (1_000_000_000L / config.ratePerSecond()))).build()
                : null;
        return new TypePolicies(config, retry, attemptTimeout, Failsafe.with(attemptTimeout), breaker, bulkhead, rateLimiter);
    }

    /** Worth another attempt: anything but a handler's "no point" and a cancellation. */
    static boolean isRetryable(Throwable failure) {
        return !(failure instanceof NonRetryableException) && !(failure instanceof TaskCancelledException);
    }

    private static Duration minPositive(Duration d) {
        return d.isZero() ? Duration.ofMillis(1) : d;
    }
}
