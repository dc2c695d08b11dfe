package dev.jobwire.worker.config;

import java.time.Duration;

/**
 * How the worker runs tasks of one type: attempts, backoff, timeouts, limits and circuit
 * breaking. Immutable. {@link #DEFAULTS} applies to every type without overrides.
 *
 * @param maxAttempts               attempts in all, first included (default 3)
 * @param backoffInitial            delay before the first retry (default 200 ms), doubling up to
 * @param backoffMax                the longest delay (default 10 s; as long as needed: retries that wait
 *                                  long leave the worker, see JOBWIRE_RETRY_HANDOFF; equal to
 *                                  backoffInitial for a fixed delay)
 * @param jitter                    random share added or removed from each delay, 0..1 (default 0.2)
 * @param attemptTimeout            one attempt is cancelled after this (default 30 s)
 * @param maxTaskDuration           a task's deadline when its header sets none or a later one,
 *                                  counted from its first start (default 5 min)
 * @param concurrencyLimit          tasks of this type running at once; 0 for no limit (default 0)
 * @param ratePerSecond             task starts per second; 0 for no limit (default 0)
 * @param breakerFailureRate        the breaker opens when this percentage of attempts failed ... (default 50;
 *                                  0 disables the breaker)
 * @param breakerMinAttempts        ... among at least this many attempts (default 20) ...
 * @param breakerPeriod             ... within this period (default 30 s). A rate over time, not a count,
 *                                  so a short burst of timeouts at high volume does not trip it
 * @param breakerDelay              how long it stays open before letting a trial through (default 10 s)
 */
public record TaskTypePolicy(
        int maxAttempts,
        Duration backoffInitial,
        Duration backoffMax,
        double jitter,
        Duration attemptTimeout,
        Duration maxTaskDuration,
        int concurrencyLimit,
        double ratePerSecond,
        int breakerFailureRate,
        int breakerMinAttempts,
        Duration breakerPeriod,
        Duration breakerDelay) {

    public static final TaskTypePolicy DEFAULTS = new TaskTypePolicy(3, Duration.ofMillis(200), Duration.ofSeconds(10), 0.2,
            Duration.ofSeconds(30), Duration.ofMinutes(5), 0, 0, 50, 20, Duration.ofSeconds(30), Duration.ofSeconds(10));

    public TaskTypePolicy {
        require(maxAttempts >= 1, "max-attempts must be at least 1");
        require(!backoffInitial.isNegative(), "backoff-initial must not be negative");
        require(backoffMax.compareTo(backoffInitial) >= 0, "backoff-max must be at least backoff-initial (equal for a fixed delay)");
        require(jitter >= 0 && jitter <= 1, "jitter must be between 0 and 1");
        require(attemptTimeout.isPositive(), "attempt-timeout must be positive");
        require(maxTaskDuration.isPositive(), "max-task-duration must be positive");
        require(concurrencyLimit >= 0, "concurrency-limit must be 0 (none) or more");
        require(ratePerSecond >= 0 && ratePerSecond <= 1_000_000_000, "rate-per-second must be 0 (none) to 1000000000");
        require(breakerFailureRate >= 0 && breakerFailureRate <= 100,
                "breaker-failure-rate must be a percentage from 0 (breaker off) to 100");
        require(breakerMinAttempts >= 1, "breaker-min-attempts must be at least 1");
        // Failsafe's own floor for a time-based breaker: below it the breaker would be refused when built.
        require(breakerPeriod.compareTo(Duration.ofMillis(10)) >= 0, "breaker-period must be at least 10ms");
        require(breakerDelay.isPositive(), "breaker-delay must be positive");
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public boolean breakerEnabled() {
        return breakerFailureRate > 0;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Changes some settings of an existing policy; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts;
        private Duration backoffInitial;
        private Duration backoffMax;
        private double jitter;
        private Duration attemptTimeout;
        private Duration maxTaskDuration;
        private int concurrencyLimit;
        private double ratePerSecond;
        private int breakerFailureRate;
        private int breakerMinAttempts;
        private Duration breakerPeriod;
        private Duration breakerDelay;

        private Builder(TaskTypePolicy p) {
            maxAttempts = p.maxAttempts;
            backoffInitial = p.backoffInitial;
            backoffMax = p.backoffMax;
            jitter = p.jitter;
            attemptTimeout = p.attemptTimeout;
            maxTaskDuration = p.maxTaskDuration;
            concurrencyLimit = p.concurrencyLimit;
            ratePerSecond = p.ratePerSecond;
            breakerFailureRate = p.breakerFailureRate;
            breakerMinAttempts = p.breakerMinAttempts;
            breakerPeriod = p.breakerPeriod;
            breakerDelay = p.breakerDelay;
        }

        public Builder maxAttempts(int value) {
            maxAttempts = value;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            backoffInitial = initial;
            backoffMax = max;
            return this;
        }

        public Builder backoffInitial(Duration value) {
            backoffInitial = value;
            return this;
        }

        public Builder backoffMax(Duration value) {
            backoffMax = value;
            return this;
        }

        public Builder jitter(double value) {
            jitter = value;
            return this;
        }

        public Builder attemptTimeout(Duration value) {
            attemptTimeout = value;
            return this;
        }

        public Builder maxTaskDuration(Duration value) {
            maxTaskDuration = value;
            return this;
        }

        public Builder concurrencyLimit(int value) {
            concurrencyLimit = value;
            return this;
        }

        public Builder ratePerSecond(double value) {
            ratePerSecond = value;
            return this;
        }

        /** Opens at {@code failureRate} % failed of at least {@code minAttempts} within {@code period}. */
        public Builder breaker(int failureRate, int minAttempts, Duration period, Duration delay) {
            breakerFailureRate = failureRate;
            breakerMinAttempts = minAttempts;
            breakerPeriod = period;
            breakerDelay = delay;
            return this;
        }

        public Builder breakerFailureRate(int value) {
            breakerFailureRate = value;
            return this;
        }

        public Builder breakerMinAttempts(int value) {
            breakerMinAttempts = value;
            return this;
        }

        public Builder breakerPeriod(Duration value) {
            breakerPeriod = value;
            return this;
        }

        public Builder breakerDelay(Duration value) {
            breakerDelay = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting that is out of range */
        public TaskTypePolicy build() {
            return new TaskTypePolicy(maxAttempts, backoffInitial, backoffMax, jitter, attemptTimeout, maxTaskDuration,
                    concurrencyLimit, ratePerSecond, breakerFailureRate, breakerMinAttempts, breakerPeriod, breakerDelay);
        }
    }
}
