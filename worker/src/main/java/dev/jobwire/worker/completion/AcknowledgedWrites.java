package dev.jobwire.worker.completion;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.jobwire.worker.admission.PendingWrites;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.source.Settlement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the records whose acknowledgement finishes a task: dead letters and delayed tasks. Each
 * write runs on a virtual thread of its own, never on the task's: the task has freed its I/O slot
 * and its thread by the time the write is retried, so a write that cannot get through holds up
 * only its own lane (whose commits wait for it, and which the source pauses when too many pile up).
 *
 * <p>Writes are retried with exponential backoff (Failsafe) until the broker acknowledges them;
 * a record the broker refuses as too large is made smaller by the caller's {@code shrink} and sent
 * again. A write whose lane is given up (revocation, shutdown) stops retrying and its task is
 * settled as cancelled, to be delivered again; one whose send was already on its way waits for
 * the broker's answer, so a write is never both acknowledged and redone.
 *
 * <p>Thread-safe.
 */
public final class AcknowledgedWrites {
    private static final Logger log = LoggerFactory.getLogger(AcknowledgedWrites.class);
    private static final Thread.Builder WRITERS = Thread.ofVirtual().name("jobwire-write");

    private final Producer<byte[], byte[]> producer;
    private final WriteHealth health;
    private final RetryPolicy<Object> retry;

    /** What to write, and what to do once it is written. */
    public interface Write {
        /** For logs: what this is, e.g. "dead letter of jobwire.tasks-3@17". */
        String description();

        /**
         * A smaller record after the broker or producer refused {@code refused} as too large, or
         * null when nothing more can be cut.
         */
        ProducerRecord<byte[], byte[]> shrink(ProducerRecord<byte[], byte[]> refused);

        /** The broker acknowledged {@code written}. */
        void written(ProducerRecord<byte[], byte[]> written, RecordMetadata metadata);
    }

    /**
     * @param retryFirst the first backoff after a failed write (doubling, with jitter)
     * @param retryMax   the longest backoff
     */
    public AcknowledgedWrites(Producer<byte[], byte[]> producer, WriteHealth health, Duration retryFirst, Duration retryMax) {
        this.producer = producer;
        this.health = health;
        this.retry = RetryPolicy.builder()
                .handleIf(failure -> !(failure instanceof RecordTooLargeException) && !(failure instanceof Abandoned))
                .withBackoff(retryFirst, retryMax)
                .withJitter(0.2)
                .withMaxRetries(-1)
                .build();
    }

    /**
     * Starts writing {@code record} for {@code item} and returns at once. On acknowledgement
     * {@link Write#written} runs and the item is settled as {@code settlement}; if its lane is given
     * up first, the item is settled as cancelled.
     */
    public void write(WorkItem item, ProducerRecord<byte[], byte[]> record, Write write, Settlement settlement) {
        long size = sizeOf(record);
        PendingWrites pending = item.lane().writes();
        // Counted before its thread starts, so the source sees it pending from now on (a revocation
        // waits for it; a write whose lane was given up before it was sent is abandoned).
        pending.begin(size);
        health.started();
        WRITERS.start(() -> {
            pending.attach();
            try {
                ProducerRecord<byte[], byte[]> sent = writeUntilAcknowledged(item, record, write);
                if (sent != null) {
                    item.settle(settlement);
                } else {
                    item.settle(Settlement.CANCELLED);
                }
            } catch (RuntimeException | Error e) {
                log.error("{} failed unexpectedly; the task stays unfinished and will be delivered again", write.description(), e);
            } finally {
                pending.end(size);
                health.ended();
            }
        });
    }

    /** The record that was written, or null if the item's lane was given up first. */
    private ProducerRecord<byte[], byte[]> writeUntilAcknowledged(WorkItem item, ProducerRecord<byte[], byte[]> first,
            Write write) {
        ProducerRecord<byte[], byte[]> record = first;
        while (true) {
            ProducerRecord<byte[], byte[]> attempt = record;
            try {
                RecordMetadata metadata = Failsafe.with(retry).get(context -> {
                    if (item.isCancelled()) {
                        throw new Abandoned();
                    }
                    return sendAndAwait(attempt, write, context.getAttemptCount() + 1);
                });
                health.succeeded();
                write.written(attempt, metadata);
                return attempt;
            } catch (RuntimeException e) {
                // Failsafe rethrows unchecked failures as they are and wraps checked ones.
                Throwable cause = e instanceof FailsafeException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof RecordTooLargeException) {
                    record = write.shrink(attempt);
                    if (record == null) {
                        log.error("{} is too large even at its smallest; the task stays unfinished: {}",
                                write.description(), cause.toString());
                        return abandonWhenCancelled(item);
                    }
                    continue;
                }
                // Abandoned, or interrupted in a backoff: the lane was given up.
                if (!item.isCancelled()) {
                    log.warn("{} stopped unexpectedly ({}); the task will be delivered again", write.description(),
                            String.valueOf(cause));
                }
                return null;
            }
        }
    }

    /** A write that can never succeed keeps its task unfinished (commits hold) until its lane is given up. */
    private static ProducerRecord<byte[], byte[]> abandonWhenCancelled(WorkItem item) {
        while (!item.isCancelled()) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                // cancellation interrupts; the loop checks the flag
            }
        }
        return null;
    }

    /** Sends and waits for the answer, even if interrupted meanwhile (the write may land). */
    private RecordMetadata sendAndAwait(ProducerRecord<byte[], byte[]> record, Write write, int attempt) throws Exception {
        Future<RecordMetadata> sent;
        try {
            sent = producer.send(record);
        } catch (RuntimeException e) {
            failed(write, e, attempt);
            throw e;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return sent.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    failed(write, cause, attempt);
                    throw cause instanceof Exception exception ? exception : e;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Counted every time; logged at the first failure of a write and then every tenth, not on every retry. */
    private void failed(Write write, Throwable cause, int attempt) {
        health.failed(write.description() + ": " + cause);
        if (cause instanceof RecordTooLargeException) {
            return; // shrunk and sent again, with its own log line
        }
        if (attempt == 1) {
            log.error("{} not written, retrying with backoff; its offset stays uncommitted: {}", write.description(),
                    cause.toString());
        } else if (attempt % 10 == 0) {
            log.warn("{} still not written after {} tries, still retrying: {}", write.description(), attempt, cause.toString());
        }
    }

    static long sizeOf(ProducerRecord<byte[], byte[]> record) {
        long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    /** The item's lane was given up before the write got through. */
    private static final class Abandoned extends Exception {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("the task's lane was given up", null, false, false);
        }
    }
}
