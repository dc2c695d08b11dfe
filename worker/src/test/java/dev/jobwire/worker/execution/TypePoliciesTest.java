package dev.jobwire.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.worker.config.TaskTypePolicy;
import dev.jobwire.worker.handler.NonRetryableException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TypePoliciesTest {

    @Test
    void defaultsBuildRetryTimeoutAndBreakerButNoLimits() {
        TypePolicies policies = TypePolicies.of(TaskTypePolicy.DEFAULTS);
        assertThat(policies.retry().getConfig().getMaxAttempts()).isEqualTo(3);
        assertThat(policies.retry().getConfig().getDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(policies.retry().getConfig().getMaxDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(policies.retry().getConfig().getJitterFactor()).isEqualTo(0.2);
        assertThat(policies.attemptTimeoutNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(policies.breaker()).isNotNull();
        assertThat(policies.breaker().getConfig().getFailureRateThreshold()).isEqualTo(50);
        assertThat(policies.breaker().getConfig().getFailureThresholdingPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policies.bulkhead()).isNull();
        assertThat(policies.rateLimiter()).isNull();
    }

    @Test
    void limitsAndADisabledBreakerFollowTheConfig() {
        TypePolicies policies = TypePolicies.of(TaskTypePolicy.DEFAULTS.toBuilder()
                .concurrencyLimit(5).ratePerSecond(20).breakerFailureRate(0).build());
        assertThat(policies.bulkhead().availablePermits()).isEqualTo(5);
        assertThat(policies.rateLimiter().getConfig().getMaxRate()).isEqualTo(Duration.ofMillis(50));
        assertThat(policies.breaker()).isNull();
    }

    @Test
    void onlyHandlerVerdictsAndCancellationsAreNotRetried() {
        assertThat(TypePolicies.isRetryable(new IOException("reset"))).isTrue();
        assertThat(TypePolicies.isRetryable(new IllegalStateException("bug?"))).isTrue();
        assertThat(TypePolicies.isRetryable(new NonRetryableException("bad input"))).isFalse();
        assertThat(TypePolicies.isRetryable(new TaskCancelledException("shutdown"))).isFalse();
        assertThat(TypePolicies.isRetryable(DeadlineExceededException.during(java.time.Instant.now(), 1))).isFalse();
    }

    @Test
    void anEqualInitialAndMaximumBackoffIsAFixedDelay() {
        TypePolicies policies = TypePolicies.of(TaskTypePolicy.DEFAULTS.toBuilder()
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build());
        assertThat(policies.retry().getConfig().getDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(policies.retry().getConfig().getMaxDelay()).isNull();
    }
}
