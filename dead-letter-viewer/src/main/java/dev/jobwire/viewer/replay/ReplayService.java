package dev.jobwire.viewer.replay;

import dev.jobwire.viewer.Json;
import dev.jobwire.viewer.ViewerConfig;
import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.index.Payloads;
import dev.jobwire.viewer.index.SpringDltHeaders;
import dev.jobwire.viewer.kafka.MarkCodec;
import dev.jobwire.viewer.kafka.RecordFetcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays dead letters and marks them. A replay request becomes a {@link ReplayJob} that runs on a
 * background thread, rate-limited to {@code replayRatePerSecond}; each sent record is marked
 * REPLAYED in the marks topic, and every batch of outcomes is written to the audit topic.
 *
 * <p>Thread-safety: safe for concurrent HTTP threads. Jobs run on a pool of two threads; the
 * producer is shared (Kafka producers are thread-safe).
 */
public final class ReplayService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayService.class);
    private static final int BATCH = 200;
    private static final int MAX_JOBS_KEPT = 100;
    private static final int PREVIEW_LIMIT = 100;

    private final ViewerConfig config;
    private final RecordFetcher fetcher;
    private final Producer<byte[], byte[]> producer;
    private final MarkStore marks;
    private final ReplayPlanner planner;
    private final ExecutorService executor;
    private final Map<String, ReplayJob> jobs = new LinkedHashMap<>();
    private final Counter sentCounter;
    private final Counter refusedCounter;
    private final Counter failedCounter;

    public ReplayService(ViewerConfig config, RecordFetcher fetcher, Producer<byte[], byte[]> producer, MarkStore marks,
            MeterRegistry registry) {
        this.config = config;
        this.fetcher = fetcher;
        this.producer = producer;
        this.marks = marks;
        this.planner = new ReplayPlanner(config.maxReplayCount(), List.of(config.auditTopic(), config.marksTopic()),
                fetcher::partitionCount);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "jobwire-viewer-replay");
            t.setDaemon(true);
            return t;
        });
        this.sentCounter = outcomeCounter(registry, "sent");
        this.refusedCounter = outcomeCounter(registry, "refused");
        this.failedCounter = outcomeCounter(registry, "failed");
    }

    private static Counter outcomeCounter(MeterRegistry registry, String outcome) {
        return Counter.builder("jobwire.viewer.replays").tag("outcome", outcome)
                .description("Dead letters replayed (sent), refused (loop guard, missing target...) or failed")
                .register(registry);
    }

    /** Why replaying to {@code topic} is not allowed, or null. */
    public String targetProblem(String topic) {
        return planner.targetProblem(topic);
    }

    /** What a replay would send, without sending anything. */
    public DryRun dryRun(List<DeadLetterRef> refs, String targetOverride, boolean force) {
        List<Preview> wouldSend = new ArrayList<>();
        List<AuditRecord.Item> refused = new ArrayList<>();
        int sendCount = 0;
        int refuseCount = 0;
        for (int i = 0; i < refs.size(); i += BATCH) {
            List<DeadLetterRef> batch = refs.subList(i, Math.min(refs.size(), i + BATCH));
            Map<DeadLetterRef, ConsumerRecord<byte[], byte[]>> fetched = fetcher.fetchAll(batch);
            for (DeadLetterRef ref : batch) {
                ReplayPlanner.Plan plan = planner.plan(ref, fetched.get(ref), targetOverride, marks.get(ref), force);
                if (plan.refused()) {
                    refuseCount++;
                    if (refused.size() < PREVIEW_LIMIT) {
                        refused.add(new AuditRecord.Item(ref.toString(), plan.target(), "REFUSED", plan.refusal()));
                    }
                } else {
                    sendCount++;
                    if (wouldSend.size() < PREVIEW_LIMIT) {
                        wouldSend.add(preview(plan));
                    }
                }
            }
        }
        return new DryRun(refs.size(), sendCount, refuseCount, wouldSend, refused);
    }

    /** A dry run's answer; the lists are cut to the first 100. */
    public record DryRun(int total, int wouldSend, int refused, List<Preview> records, List<AuditRecord.Item> refusals) {
        public boolean dryRun() {
            return true;
        }
    }

    /** A record that would be sent, as text for the page. */
    public record Preview(String ref, String topic, int replayCount, String key, String value,
            List<Map<String, String>> headers) {
    }

    private static Preview preview(ReplayPlanner.Plan plan) {
        ProducerRecord<byte[], byte[]> r = plan.record();
        List<Map<String, String>> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(Map.of("key", h.key(), "value", String.valueOf(Payloads.preview(h.value(), 2_000))));
        }
        return new Preview(plan.ref().toString(), plan.target(), plan.replayCount(), Payloads.preview(r.key(), 500),
                Payloads.preview(r.value(), 4_000), headers);
    }

    /** Starts replaying {@code refs} in the background and returns the job to poll. */
    public ReplayJob start(List<DeadLetterRef> refs, String targetOverride, boolean force, String actor) {
        String override = targetOverride == null || targetOverride.isBlank() ? null : targetOverride.trim();
        ReplayJob job = new ReplayJob(UUID.randomUUID().toString(), actor, override, refs.size());
        synchronized (jobs) {
            jobs.put(job.id(), job);
            while (jobs.size() > MAX_JOBS_KEPT) {
                String oldest = jobs.keySet().iterator().next();
                if (jobs.get(oldest).status().state() == ReplayJob.State.RUNNING) {
                    break;
                }
                jobs.remove(oldest);
            }
        }
        List<DeadLetterRef> copy = List.copyOf(refs);
        executor.submit(() -> run(job, copy, override, force));
        LOG.info("Replay job {} by {}: {} dead letter(s) to {}", job.id(), actor, refs.size(),
                override == null ? "their original topics" : override);
        return job;
    }

    public ReplayJob job(String id) {
        synchronized (jobs) {
            return jobs.get(id);
        }
    }

    /** Newest first. */
    public List<ReplayJob.Status> jobs() {
        List<ReplayJob.Status> out = new ArrayList<>();
        synchronized (jobs) {
            jobs.values().forEach(j -> out.add(j.status()));
        }
        return out.reversed();
    }

    private void run(ReplayJob job, List<DeadLetterRef> refs, String override, boolean force) {
        long permitNanos = TimeUnit.SECONDS.toNanos(1) / config.replayRatePerSecond();
        long nextPermit = System.nanoTime();
        int part = 0;
        try {
            for (int i = 0; i < refs.size(); i += BATCH) {
                if (job.cancelRequested()) {
                    job.finish(ReplayJob.State.CANCELLED, "cancelled");
                    return;
                }
                List<DeadLetterRef> batch = refs.subList(i, Math.min(refs.size(), i + BATCH));
                Map<DeadLetterRef, ConsumerRecord<byte[], byte[]>> fetched = fetcher.fetchAll(batch);
                List<AuditRecord.Item> outcomes = new ArrayList<>();
                List<Sending> sending = new ArrayList<>();
                for (DeadLetterRef ref : batch) {
                    ReplayPlanner.Plan plan = planner.plan(ref, fetched.get(ref), override, marks.get(ref), force);
                    if (plan.refused()) {
                        refusedCounter.increment();
                        outcomes.add(new AuditRecord.Item(ref.toString(), plan.target(), "REFUSED", plan.refusal()));
                        continue;
                    }
                    if (job.cancelRequested()) {
                        break;
                    }
                    nextPermit = pace(nextPermit, permitNanos);
                    sending.add(new Sending(plan, producer.send(plan.record())));
                }
                for (Sending s : sending) {
                    outcomes.add(await(s, job));
                }
                for (AuditRecord.Item item : outcomes) {
                    job.record(item);
                }
                writeAudit(job, part++, outcomes);
            }
            job.finish(job.cancelRequested() ? ReplayJob.State.CANCELLED : ReplayJob.State.DONE, null);
            ReplayJob.Status s = job.status();
            LOG.info("Replay job {} {}: {} sent, {} refused, {} failed", job.id(), s.state(), s.sent(), s.refused(), s.failed());
        } catch (RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.error("Replay job {} failed", job.id(), e);
            job.finish(ReplayJob.State.FAILED, e.toString());
        }
    }

    private record Sending(ReplayPlanner.Plan plan, Future<RecordMetadata> ack) {
    }

    private AuditRecord.Item await(Sending s, ReplayJob job) throws InterruptedException {
        String ref = s.plan().ref().toString();
        try {
            RecordMetadata md = s.ack().get(60, TimeUnit.SECONDS);
            sentCounter.increment();
            writeMark(ref, new Mark(Mark.State.REPLAYED, job.actor(), Instant.now(), null, s.plan().target(), job.id()));
            return new AuditRecord.Item(ref, s.plan().target(), "SENT", md.topic() + "/" + md.partition() + "/" + md.offset());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            failedCounter.increment();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new AuditRecord.Item(ref, s.plan().target(), "FAILED", cause.toString());
        }
    }

    /** Sleeps until the next send is allowed; returns when the one after it is. */
    private static long pace(long nextPermit, long permitNanos) throws InterruptedException {
        long now = System.nanoTime();
        if (nextPermit > now) {
            TimeUnit.NANOSECONDS.sleep(nextPermit - now);
            return nextPermit + permitNanos;
        }
        return Math.max(nextPermit, now - permitNanos * 10) + permitNanos; // allow a small burst after idling
    }

    private void writeAudit(ReplayJob job, int part, List<AuditRecord.Item> items) throws InterruptedException {
        if (items.isEmpty()) {
            return;
        }
        int sent = (int) items.stream().filter(i -> i.outcome().equals("SENT")).count();
        int refused = (int) items.stream().filter(i -> i.outcome().equals("REFUSED")).count();
        AuditRecord record = new AuditRecord(job.id(), part, job.actor(), config.instanceId(), Instant.now(),
                job.targetOverride(), sent, refused, items.size() - sent - refused, items);
        try {
            producer.send(new ProducerRecord<>(config.auditTopic(), job.id().getBytes(StandardCharsets.UTF_8),
                    Json.MAPPER.writeValueAsBytes(record))).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | com.fasterxml.jackson.core.JsonProcessingException e) {
            // The replays happened; losing their audit record must be loud.
            LOG.error("Could not write the audit record of replay job {} part {}: {}", job.id(), part, record, e);
        }
    }

    /**
     * Marks dead letters (RESOLVED), or re-opens them ({@code state} null), for every viewer.
     *
     * @return how many marks were written
     */
    public int mark(List<DeadLetterRef> refs, Mark.State state, String actor, String note) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (DeadLetterRef ref : refs) {
            Mark mark = state == null ? null : new Mark(state, actor, Instant.now(), note, null, null);
            acks.add(writeMarkAsync(ref.toString(), mark));
        }
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("could not write a mark to " + config.marksTopic() + ": " + e.getMessage(), e);
            }
        }
        return acks.size();
    }

    private void writeMark(String ref, Mark mark) throws InterruptedException {
        try {
            writeMarkAsync(ref, mark).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.error("Could not mark {} as replayed: {}", ref, e.toString());
        }
    }

    private Future<RecordMetadata> writeMarkAsync(String ref, Mark mark) {
        marks.apply(ref, mark); // this instance shows it at once; others when they read the topic
        return producer.send(new ProducerRecord<>(config.marksTopic(), ref.getBytes(StandardCharsets.UTF_8),
                MarkCodec.encode(mark)));
    }

    /** How a header value is shown: Spring's binary numbers as numbers, else text or hex. */
    public static String headerText(String key, byte[] value) {
        String spring = SpringDltHeaders.binaryAsText(key, value);
        return spring != null ? spring : Payloads.preview(value, 100_000);
    }

    @Override
    public void close() {
        synchronized (jobs) {
            jobs.values().forEach(ReplayJob::cancel);
        }
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
