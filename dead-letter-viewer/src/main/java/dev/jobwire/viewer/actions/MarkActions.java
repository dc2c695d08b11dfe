package dev.jobwire.viewer.actions;

import dev.jobwire.viewer.audit.AuditRecord;
import dev.jobwire.viewer.audit.AuditWriter;
import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.kafka.DeadLetterLookup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves and re-opens dead letters. Only dead letters that exist (in the index, or still on the
 * broker) are marked; re-opening keeps who resolved (the new mark remembers the one it replaced) and
 * the replay count. Every call writes its outcomes, one per dead letter, to the audit topic.
 * Thread-safe (its collaborators are).
 */
public final class MarkActions {
    private static final Logger LOG = LoggerFactory.getLogger(MarkActions.class);

    private final MarkWriter writer;
    private final DeadLetterLookup lookup;
    private final AuditWriter audit;

    public MarkActions(MarkWriter writer, DeadLetterLookup lookup, AuditWriter audit) {
        this.writer = writer;
        this.lookup = lookup;
        this.audit = audit;
    }

    /** What a call did. */
    public record Result(String id, String state, int marked, int refused, int failed, boolean audited,
            List<AuditRecord.Item> items) {
    }

    /**
     * @param state     {@link Mark.State#RESOLVED} or {@link Mark.State#OPEN}
     * @param selection what was selected, for the audit
     */
    public Result apply(List<DeadLetterRef> refs, Mark.State state, String actor, String note,
            Map<String, Object> selection) throws InterruptedException {
        if (state == Mark.State.REPLAYED) {
            throw new IllegalArgumentException("REPLAYED marks come from replays only");
        }
        Set<DeadLetterRef> existing = lookup.existing(refs);
        Instant now = Instant.now();
        List<AuditRecord.Item> items = new ArrayList<>(refs.size());
        List<Future<RecordMetadata>> acks = new ArrayList<>(refs.size());
        List<Integer> ackItems = new ArrayList<>(refs.size());
        for (DeadLetterRef ref : refs) {
            Mark before = writer.store().get(ref);
            String was = before == null ? "OPEN" : before.state().name();
            if (!existing.contains(ref)) {
                items.add(new AuditRecord.Item(ref.toString(), null, AuditRecord.Item.REFUSED, "no such dead letter"));
            } else if (state == Mark.State.OPEN && (before == null || before.state() == Mark.State.OPEN)) {
                items.add(new AuditRecord.Item(ref.toString(), null, AuditRecord.Item.REFUSED, "already open"));
            } else {
                acks.add(writer.write(ref, Mark.after(before, state, actor, now, note, null, null, null)));
                ackItems.add(items.size());
                items.add(new AuditRecord.Item(ref.toString(), null, AuditRecord.Item.MARKED, "was " + was));
            }
        }
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                AuditRecord.Item item = items.get(ackItems.get(i));
                Throwable cause = e.getCause() == null ? e : e.getCause();
                items.set(ackItems.get(i), new AuditRecord.Item(item.ref(), null, AuditRecord.Item.FAILED,
                        "could not write the mark: " + cause));
            }
        }
        String id = UUID.randomUUID().toString();
        AuditRecord.Action action = state == Mark.State.RESOLVED ? AuditRecord.Action.RESOLVE : AuditRecord.Action.REOPEN;
        boolean audited = audit.writeAll(new AuditWriter.Context(action, id, actor, selection, null, null, null), items);
        int marked = (int) items.stream().filter(AuditRecord.Item::succeeded).count();
        int refused = (int) items.stream().filter(i -> AuditRecord.Item.REFUSED.equals(i.outcome())).count();
        LOG.info("{} {}: {} marked, {} refused, {} failed ({})", actor, action, marked, refused,
                items.size() - marked - refused, id);
        return new Result(id, state.name(), marked, refused, items.size() - marked - refused, audited,
                items.size() > ActionJob.MAX_ITEMS ? items.subList(0, ActionJob.MAX_ITEMS) : items);
    }
}
