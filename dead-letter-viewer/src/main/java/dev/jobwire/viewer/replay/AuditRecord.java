package dev.jobwire.viewer.replay;

import java.time.Instant;
import java.util.List;

/**
 * One record in the replay audit topic: who replayed which dead letters, when, to where, and what
 * happened to each. A large job writes several records (parts) so none exceeds Kafka's size limit.
 * Immutable.
 *
 * @param targetOverride the topic the user chose, or null for "each dead letter's original topic"
 */
public record AuditRecord(String jobId, int part, String actor, String viewer, Instant at, String targetOverride,
        int sent, int refused, int failed, List<Item> items) {

    public AuditRecord {
        items = List.copyOf(items);
    }

    /**
     * @param outcome {@code SENT}, {@code REFUSED} or {@code FAILED}
     * @param result  for SENT the new record as {@code topic/partition/offset}; else why
     */
    public record Item(String ref, String target, String outcome, String result) {
    }
}
