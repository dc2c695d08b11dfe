package dev.jobwire.viewer.actions;

import dev.jobwire.viewer.audit.AuditRecord;
import dev.jobwire.viewer.audit.AuditWriter;
import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.index.Payloads;
import dev.jobwire.viewer.kafka.RecordFetcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does the work of replay and dry-run jobs, 200 dead letters at a time: re-reads them from Kafka,
 * asks the {@link ReplayPlanner}, and then either counts and previews (dry run) or sends at the
 * configured rate, marks each sent dead letter REPLAYED (with its replay count and where it went)
 * and writes every batch's outcomes to the audit topic (replay).
 *
 * <p>Thread-safety: safe for concurrent jobs. A dead letter being replayed by one job is refused by
 * another until the first has marked it, so concurrent jobs cannot both pass the loop guard.
 */
public final class ReplayRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayRunner.class);
    private static final int BATCH = AuditWriter.ITEMS_PER_RECORD;

    private final RecordFetcher fetcher;
    private final ReplayPlanner planner;
    private final Producer<byte[], byte[]> producer;
    private final MarkWriter marks;
    private final AuditWriter audit;
    private final int ratePerSecond;
    private final Set<DeadLetterRef> inFlight = ConcurrentHashMap.newKeySet();
    private final Counter sentCounter;
    private final Counter refusedCounter;
    private final Counter failedCounter;

    public ReplayRunner(RecordFetcher fetcher, ReplayPlanner planner, Producer<byte[], byte[]> producer, MarkWriter marks,
            AuditWriter audit, int ratePerSecond, MeterRegistry registry) {
        this.fetcher = fetcher;
        this.planner = planner;
        this.producer = producer;
        this.marks = marks;
        this.audit = audit;
        this.ratePerSecond = ratePerSecond;
        this.sentCounter = outcomeCounter(registry, "sent");
        this.refusedCounter = outcomeCounter(registry, "refused");
        this.failedCounter = outcomeCounter(registry, "failed");
    }

    private static Counter outcomeCounter(MeterRegistry registry, String outcome) {
        return Counter.builder("jobwire.viewer.replays").tag("outcome", outcome)
                .description("Dead letters replayed (sent), refused (loop guard, target not allowed...) or failed")
                .register(registry);
    }

    /** Plans every dead letter of a dry-run job; sends nothing. */
    public void dryRun(ActionJob job) {
        ReplayRequest request = job.request();
        for (int i = 0; i < request.refs().size() && !job.cancelRequested(); i += BATCH) {
            List<DeadLetterRef> batch = request.refs().subList(i, Math.min(request.refs().size(), i + BATCH));
            Map<DeadLetterRef, ConsumerRecord<byte[], byte[]>> fetched = fetcher.fetchAll(batch);
            for (DeadLetterRef ref : batch) {
                ReplayPlanner.Plan plan = planner.plan(ref, fetched.get(ref), request, marks.store().get(ref));
                if (plan.refused()) {
                    job.record(new AuditRecord.Item(ref.toString(), plan.target(), AuditRecord.Item.REFUSED, plan.refusal()));
                } else {
                    job.record(new AuditRecord.Item(ref.toString(), plan.target(), AuditRecord.Item.SENT, "would send"));
                    job.preview(preview(plan));
                }
            }
        }
    }

    /** Replays every dead letter of a replay job. */
    public void replay(ActionJob job) throws InterruptedException {
        ReplayRequest request = job.request();
        AuditWriter.Context context = new AuditWriter.Context(AuditRecord.Action.REPLAY, job.id(), job.actor(),
                request.selection(), request.targetOverride(), request.override(), request.force());
        Pacer pacer = new Pacer(ratePerSecond);
        LOG.info("Replay job {} by {}: {} dead letter(s) to {}{}", job.id(), job.actor(), request.refs().size(),
                request.targetOverride() == null ? "their original topics" : request.targetOverride(),
                request.override() == null ? "" : "; loop-guard override: " + Payloads.loggable(request.override()));
        int part = 0;
        for (int i = 0; i < request.refs().size() && !job.cancelRequested(); i += BATCH) {
            List<DeadLetterRef> batch = request.refs().subList(i, Math.min(request.refs().size(), i + BATCH));
            List<AuditRecord.Item> outcomes = replayBatch(job, batch, pacer);
            outcomes.forEach(job::record);
            audit.write(context, part++, outcomes);
        }
        ActionJob.Status s = job.status();
        LOG.info("Replay job {} {}: {} sent, {} refused, {} failed", job.id(),
                job.cancelRequested() ? "cancelled" : "done", s.sent(), s.refused(), s.failed());
    }

    private record Sending(ReplayPlanner.Plan plan, Mark before, Future<RecordMetadata> ack) {
    }

    private List<AuditRecord.Item> replayBatch(ActionJob job, List<DeadLetterRef> batch, Pacer pacer)
            throws InterruptedException {
        Map<DeadLetterRef, ConsumerRecord<byte[], byte[]>> fetched = fetcher.fetchAll(batch);
        List<AuditRecord.Item> outcomes = new ArrayList<>(batch.size());
        List<Sending> sending = new ArrayList<>();
        try {
            for (DeadLetterRef ref : batch) {
                if (job.cancelRequested()) {
                    break;
                }
                if (!inFlight.add(ref)) {
                    refusedCounter.increment();
                    outcomes.add(new AuditRecord.Item(ref.toString(), null, AuditRecord.Item.REFUSED,
                            "being replayed by another job of this viewer"));
                    continue;
                }
                Mark before = marks.store().get(ref);
                ReplayPlanner.Plan plan = planner.plan(ref, fetched.get(ref), job.request(), before);
                if (plan.refused()) {
                    inFlight.remove(ref);
                    refusedCounter.increment();
                    outcomes.add(new AuditRecord.Item(ref.toString(), plan.target(), AuditRecord.Item.REFUSED, plan.refusal()));
                    continue;
                }
                pacer.acquire();
                sending.add(new Sending(plan, before, producer.send(plan.record())));
            }
            List<Future<RecordMetadata>> markAcks = new ArrayList<>();
            for (Sending s : sending) {
                outcomes.add(await(s, job, markAcks));
            }
            for (Future<RecordMetadata> ack : markAcks) {
                awaitMark(ack);
            }
        } finally {
            sending.forEach(s -> inFlight.remove(s.plan().ref()));
        }
        return outcomes;
    }

    private AuditRecord.Item await(Sending s, ActionJob job, List<Future<RecordMetadata>> markAcks)
            throws InterruptedException {
        ReplayPlanner.Plan plan = s.plan();
        String ref = plan.ref().toString();
        try {
            RecordMetadata md = s.ack().get(60, TimeUnit.SECONDS);
            sentCounter.increment();
            String to = md.topic() + "/" + md.partition() + "/" + md.offset();
            Mark mark = Mark.after(s.before(), Mark.State.REPLAYED, job.actor(), Instant.now(),
                    plan.overridden() ? "loop guard overridden: " + job.request().override() : null, plan.target(),
                    job.id(), to);
            markAcks.add(marks.write(plan.ref(), mark));
            return new AuditRecord.Item(ref, plan.target(), AuditRecord.Item.SENT,
                    to + " (replay " + plan.replayCount() + (plan.overridden() ? ", loop guard overridden" : "") + ")");
        } catch (ExecutionException | TimeoutException e) {
            failedCounter.increment();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new AuditRecord.Item(ref, plan.target(), AuditRecord.Item.FAILED, cause.toString());
        }
    }

    private void awaitMark(Future<RecordMetadata> ack) throws InterruptedException {
        try {
            ack.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // The replay happened and this viewer shows the mark; other viewers will not until it is written.
            LOG.error("Could not write a REPLAYED mark: {}", e.toString());
        }
    }

    private static ActionJob.Preview preview(ReplayPlanner.Plan plan) {
        ProducerRecord<byte[], byte[]> r = plan.record();
        List<Map<String, String>> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(Map.of("key", h.key(), "value", String.valueOf(Payloads.preview(h.value(), 2_000))));
        }
        return new ActionJob.Preview(plan.ref().toString(), plan.target(), plan.replayCount(), Payloads.preview(r.key(), 500),
                Payloads.preview(r.value(), 4_000), headers);
    }
}
