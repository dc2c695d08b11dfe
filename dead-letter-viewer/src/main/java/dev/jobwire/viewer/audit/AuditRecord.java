package dev.jobwire.viewer.audit;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One record in the audit topic: who did what to which dead letters, when, and what happened to
 * each. Every changing action writes one: replays, resolve, re-open, cancelling a job. A large
 * action writes several records (parts) so none exceeds Kafka's size limit. Immutable.
 *
 * @param action         {@link Action} name; null in records written before actions were named (replays)
 * @param jobId          the job (replays) or action id that the parts share
 * @param actor          who, as {@code name (client address)}
 * @param viewer         which viewer instance
 * @param selection      what the actor selected: {@code refs} (how many), or {@code group} and/or {@code filter}
 * @param targetOverride for replays, the topic the user chose, or null for "each dead letter's original topic"
 * @param override       for replays past the loop guard, the reason the actor gave; else null
 * @param done           items that succeeded in this part (replays: sent; marks: marked)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(String action, String jobId, int part, String actor, String viewer, Instant at,
        Map<String, Object> selection, String targetOverride, String override, Boolean force,
        @JsonAlias("sent") int done, int refused, int failed, List<Item> items) {

    /** The changing actions. */
    public enum Action { REPLAY, RESOLVE, REOPEN, CANCEL }

    public AuditRecord {
        items = items == null ? List.of() : List.copyOf(items);
        selection = selection == null ? null : Map.copyOf(selection);
    }

    /**
     * @param outcome {@code SENT}, {@code MARKED}, {@code CANCELLED}, {@code REFUSED} or {@code FAILED}
     * @param result  for SENT the new record as {@code topic/partition/offset}; for MARKED the state
     *                before; else why
     */
    public record Item(String ref, String target, String outcome, String result) {
        public static final String SENT = "SENT";
        public static final String MARKED = "MARKED";
        public static final String REFUSED = "REFUSED";
        public static final String FAILED = "FAILED";

        public boolean succeeded() {
            return SENT.equals(outcome) || MARKED.equals(outcome) || "CANCELLED".equals(outcome);
        }
    }
}
