package dev.jobwire.viewer.actions;

import dev.jobwire.viewer.index.DeadLetterRef;
import java.util.List;
import java.util.Map;

/**
 * What someone asked to replay (or dry-run), and how. Immutable.
 *
 * @param refs           the dead letters, without duplicates
 * @param targetOverride the topic to replay to instead of each dead letter's original topic; null for the original
 * @param force          replay dead letters that were already replayed
 * @param override       the reason given for replaying past the loop guard; null for none (no override)
 * @param selection      what was selected, for the audit: {@code refs} count, or {@code group} / {@code filter}
 */
public record ReplayRequest(List<DeadLetterRef> refs, String targetOverride, boolean force, String override,
        Map<String, Object> selection) {

    public ReplayRequest {
        refs = List.copyOf(refs);
        targetOverride = targetOverride == null || targetOverride.isBlank() ? null : targetOverride.trim();
        override = override == null || override.isBlank() ? null : override.trim();
        selection = selection == null ? Map.of() : Map.copyOf(selection);
    }
}
