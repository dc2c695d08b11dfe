package dev.jobwire.worker.completion;

import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.RetryRound;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.deadletter.DeadLetterWriter;
import dev.jobwire.worker.delay.DelayedTasks;
import dev.jobwire.worker.execution.Outcome;
import dev.jobwire.worker.metrics.WorkerMetrics;
import dev.jobwire.worker.source.Settlement;
import dev.jobwire.worker.time.NanoClock;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns how a task ended into what its source is told: a success settles it at once; a failure for
 * good, a retry after a long backoff and a task not yet due are written first (dead letter,
 * delayed task) and settled when the broker acknowledged the write; a cancellation settles it as
 * to be delivered again. Records the outcome's metrics and log line.
 *
 * <p>Thread-safe and stateless; called on task threads, which it never blocks on a write.
 */
public final class TaskFinisher {
    private static final Logger log = LoggerFactory.getLogger(TaskFinisher.class);

    private final DeadLetterWriter deadLetters;
    private final DelayedTasks delayed;
    private final WorkerMetrics metrics;
    private final String workerId;

    public TaskFinisher(DeadLetterWriter deadLetters, DelayedTasks delayed, WorkerMetrics metrics, String workerId) {
        this.deadLetters = deadLetters;
        this.delayed = delayed;
        this.metrics = metrics;
        this.workerId = workerId;
    }

    /**
     * @param meters       the meters of its type
     * @param round        what earlier rounds left in its headers, or null for a first round
     * @param startedNanos when this round started ({@link System#nanoTime()})
     */
    public void finish(WorkItem item, TaskMetadata metadata, WorkerMetrics.TypeMeters meters, RetryRound round,
            long startedNanos, Outcome outcome) {
        String type = metadata.type();
        switch (outcome) {
            case Outcome.Succeeded succeeded -> {
                item.settle(Settlement.SUCCEEDED);
                long now = System.nanoTime();
                meters.succeeded(succeeded.attempts(), now - startedNanos, latencyNanos(metadata, now));
                if (succeeded.attempts() > 1) {
                    log.info("task succeeded on attempt {}", succeeded.attempts());
                } else if (log.isDebugEnabled()) {
                    log.debug("task succeeded");
                }
            }
            case Outcome.Failed failed -> {
                log.warn("task failed for good ({}) after {} attempt(s), dead-lettering it: {}", failed.reason(),
                        failed.attempts(), failed.cause().toString());
                deadLetter(item, type, round, failed, startedNanos);
            }
            case Outcome.RetryLater later -> {
                int failedThisRound = later.attempts() - (round == null ? 0 : round.attempts());
                log.info("attempt {} failed; retrying in {} ms outside this worker (re-published, its slot freed): {}",
                        later.attempts(), later.backoff().toMillis(), later.failures().getLast().message());
                Instant firstStarted = round == null ? NanoClock.instant(startedNanos) : round.firstStartedAt();
                delayed.retryLater(item, round, firstStarted, later, () -> metrics.retryHandedOff(type, failedThisRound));
            }
            case Outcome.Cancelled cancelled -> {
                item.settle(Settlement.CANCELLED);
                metrics.cancelled(type);
                log.info("task cancelled by shutdown or rebalance after {} attempt(s); it will be delivered again",
                        cancelled.attempts());
            }
        }
    }

    /** Whether {@code item}'s task, not yet due, can wait in its task topic's delay topic. */
    public boolean canDefer(WorkItem item) {
        return delayed.canDefer(item.record().topic());
    }

    /** Re-publishes {@code item}'s task, unchanged, to wait in its delay topic until {@code due}. */
    public void defer(WorkItem item, Instant due) {
        delayed.defer(item, due, () -> { });
    }

    /** A record that never ran: undecodable, or of a type no handler knows. Dead-lettered at once. */
    public void poisonPill(WorkItem item, DeadLetterReason reason, Exception cause) {
        deadLetter(item, WorkerMetrics.UNKNOWN_TYPE, null, new Outcome.Failed(reason, 0, List.of(), cause), System.nanoTime());
    }

    private void deadLetter(WorkItem item, String typeTag, RetryRound round, Outcome.Failed failed, long startedNanos) {
        ConsumerRecord<byte[], byte[]> record = item.record();
        Throwable cause = failed.cause();
        DeadLetter deadLetter = round == null
                ? new DeadLetter(record.topic(), record.partition(), record.offset(), timestampOf(record), failed.reason(),
                        failed.attempts(), failed.failures(), cause.getClass().getName(), AttemptFailure.messageOf(cause),
                        DeadLetter.stackTraceOf(cause), workerId, Instant.now())
                : new DeadLetter(round.originalTopic(), round.originalPartition(), round.originalOffset(),
                        round.originalTimestamp(), failed.reason(), failed.attempts(), failed.failures(),
                        cause.getClass().getName(), AttemptFailure.messageOf(cause), DeadLetter.stackTraceOf(cause), workerId,
                        Instant.now());
        deadLetters.write(item, deadLetter, () -> metrics.deadLettered(typeTag, failed.reason(), failed.attempts(),
                failed.failures().size() - (round == null ? 0 : round.failures().size()), System.nanoTime() - startedNanos));
    }

    static Instant timestampOf(ConsumerRecord<byte[], byte[]> record) {
        return record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null;
    }

    /** From its created-at to {@code nowNanos}; saturated for a created-at in the distant past (the metrics clamp it). */
    static long latencyNanos(TaskMetadata metadata, long nowNanos) {
        long createdMillis;
        try {
            createdMillis = metadata.createdAt().toEpochMilli();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        long millis = NanoClock.epochMillis(nowNanos) - createdMillis;
        return millis > Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : millis * 1_000_000;
    }
}
