package dev.jobwire.worker.source;

import dev.jobwire.worker.admission.WorkItem;

/**
 * What a source does when one of its records is settled. Implementations are called from task
 * threads and from the threads that write dead letters and delayed tasks, once per record, and
 * must not block.
 */
@FunctionalInterface
public interface Completion {
    void settled(WorkItem item, Settlement how);
}
