package dev.jobwire.worker.delay;

import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.execution.HandOff;
import dev.jobwire.worker.execution.TypePolicies;
import java.time.Duration;

/**
 * Retries whose backoff is at least {@code threshold} leave the worker: the task is re-published
 * to its delay topic and its slot freed at once. Not with per-key ordering: a retry that left its
 * partition would let later tasks of its key overtake it, so there retries wait in place, holding
 * their key but (for long backoffs) not an I/O slot. Nor for a record too large to carry its retry
 * history back to its task topic.
 *
 * <p>Immutable and thread-safe.
 */
public final class RetryHandOff implements HandOff {
    private final Duration threshold;
    private final boolean perKeyOrder;
    private final DelayedTasks delayed;

    public RetryHandOff(Duration threshold, boolean perKeyOrder, DelayedTasks delayed) {
        this.threshold = threshold;
        this.perKeyOrder = perKeyOrder;
        this.delayed = delayed;
    }

    @Override
    public boolean leavesWorker(Duration backoff, WorkItem item, TypePolicies policies) {
        return !perKeyOrder && backoff.compareTo(threshold) >= 0
                && delayed.canHandOff(item.record(), policies.config().maxAttempts());
    }

    @Override
    public boolean releasesSlot(Duration backoff) {
        return backoff.compareTo(threshold) >= 0;
    }
}
