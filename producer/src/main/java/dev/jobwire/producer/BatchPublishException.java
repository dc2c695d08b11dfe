package dev.jobwire.producer;

import java.util.List;
import java.util.Map;

/**
 * Some tasks of a {@link TaskPublisher#publishAll batch} were not published. Publishing a batch is
 * not atomic: the others may have been. Carries both, by position in the batch. Immutable.
 */
public final class BatchPublishException extends PublishException {
    private static final long serialVersionUID = 1L;

    private final transient List<PublishReceipt> receipts;
    private final transient Map<Integer, PublishException> failures;

    /**
     * @param receipts one entry per task, null where that task failed
     * @param failures failures by position; not empty
     */
    public BatchPublishException(List<PublishReceipt> receipts, Map<Integer, PublishException> failures) {
        super(first(failures).failure(), first(failures).taskId(), first(failures).topic(),
                failures.size() + " of " + receipts.size() + " tasks failed; first, task "
                        + failures.keySet().stream().min(Integer::compare).orElseThrow() + ": " + first(failures).getMessage(),
                first(failures));
        this.receipts = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(receipts));
        this.failures = Map.copyOf(failures);
    }

    private static PublishException first(Map<Integer, PublishException> failures) {
        return failures.get(failures.keySet().stream().min(Integer::compare).orElseThrow());
    }

    /** One receipt per task in batch order; null where the task failed. */
    public List<PublishReceipt> receipts() {
        return receipts;
    }

    /** Why each failed task failed, by position in the batch. */
    public Map<Integer, PublishException> failures() {
        return failures;
    }
}
