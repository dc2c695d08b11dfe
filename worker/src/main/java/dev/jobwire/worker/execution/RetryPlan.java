package dev.jobwire.worker.execution;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import dev.jobwire.wire.AttemptFailure;
import java.util.List;

/**
 * Where a task's attempts stand when this round starts. Immutable.
 *
 * @param priorAttempts attempts made by earlier rounds (0 for a first round)
 * @param priorFailures their failures, oldest first
 */
public record RetryPlan(int priorAttempts, List<AttemptFailure> priorFailures) {
    /** A task's first round. */
    public static final RetryPlan FIRST_ROUND = new RetryPlan(0, List.of());

    /** Stands for an earlier round's failed attempt when the retry policy replays them. */
    private static final RuntimeException PRIOR_ATTEMPT = new RuntimeException("an attempt of an earlier round", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    public RetryPlan {
        priorFailures = List.copyOf(priorFailures);
    }

    /**
     * A retry execution of {@code policy} that has seen the earlier rounds' attempts, so its attempt
     * count and backoff continue where they stopped.
     */
    Execution<Object> resume(RetryPolicy<Object> policy) {
        Execution<Object> execution = Execution.of(policy);
        for (int i = 0; i < priorAttempts && !execution.isComplete(); i++) {
            execution.recordException(PRIOR_ATTEMPT);
        }
        return execution;
    }
}
