package dev.jobwire.worker.execution;

import dev.jobwire.worker.admission.WorkItem;
import java.time.Duration;

/** Which retries wait outside the worker, and which waits inside it give up the I/O slot. Thread-safe. */
public interface HandOff {

    /** Whether the retry of {@code item} after {@code backoff} is re-published to run later instead of waiting here. */
    boolean leavesWorker(Duration backoff, WorkItem item, TypePolicies policies);

    /**
     * Whether a backoff waited here gives up the I/O slot meanwhile. Short ones keep it: a request
     * that timed out may still run at the other end, and handing its slot to a new request at once
     * would push the dependency past the concurrency it was promised.
     */
    boolean releasesSlot(Duration backoff);

    /** Every retry waits here, holding its slot. */
    HandOff NEVER = new HandOff() {
        @Override
        public boolean leavesWorker(Duration backoff, WorkItem item, TypePolicies policies) {
            return false;
        }

        @Override
        public boolean releasesSlot(Duration backoff) {
            return false;
        }
    };
}
