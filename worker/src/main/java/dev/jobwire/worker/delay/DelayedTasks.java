package dev.jobwire.worker.delay;

import dev.jobwire.wire.RetryRound;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.completion.AcknowledgedWrites;
import dev.jobwire.worker.execution.Outcome;
import dev.jobwire.worker.source.Settlement;
import dev.jobwire.worker.topics.TopicLayout;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Re-publishes tasks that must wait, so they wait in Kafka instead of holding a slot or a partition
 * here: a retry after a long backoff (its history in {@code jobwire.retry.*} headers) and a task
 * whose start time is further off than the worker holds tasks. The record goes to the tier of its
 * task topic's delay topic that fits ({@link DelayRoute}); the task is settled as handed off once
 * the broker acknowledged the write, so its source offset is committed only then.
 *
 * <p>Thread-safe and stateless.
 */
public final class DelayedTasks {
    /** Room for the retry headers of one attempt: its failure record (message up to 2,000 characters) and names. */
    private static final int HEADER_ROOM_PER_ATTEMPT = 2_300;
    private static final int HEADER_ROOM_FIXED = 1_024;

    private final AcknowledgedWrites writes;
    private final TopicLayout topics;

    public DelayedTasks(AcknowledgedWrites writes, TopicLayout topics) {
        this.writes = writes;
        this.topics = topics;
    }

    /**
     * Whether a task of {@code record} can leave the worker to wait: its topic has a delay topic,
     * and the record with a retry history of {@code maxAttempts} attempts still fits its task topic
     * (where it comes back). Otherwise it waits in the worker.
     */
    public boolean canHandOff(ConsumerRecord<byte[], byte[]> record, int maxAttempts) {
        TopicLayout.Task layout = topics.of(record.topic());
        if (layout == null || layout.tiers() == null) {
            return false;
        }
        long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length)
                + record.headers().toArray().length * 64L + HEADER_ROOM_FIXED + (long) maxAttempts * HEADER_ROOM_PER_ATTEMPT;
        return size <= layout.maxMessageBytes();
    }

    /** Whether tasks of {@code topic} not yet due can wait in its delay topic. */
    public boolean canDefer(String topic) {
        TopicLayout.Task layout = topics.of(topic);
        return layout != null && layout.tiers() != null;
    }

    /** Re-publishes a task whose next attempt is due after {@code later.backoff()}. */
    public void retryLater(WorkItem item, RetryRound earlier, Instant firstStarted, Outcome.RetryLater later,
            Runnable onWritten) {
        ConsumerRecord<byte[], byte[]> record = item.record();
        Instant due = Instant.now().plus(later.backoff());
        RetryRound next = earlier == null
                ? new RetryRound(later.attempts(), later.failures(), firstStarted, due, record.topic(), record.partition(),
                        record.offset(), record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null)
                : new RetryRound(later.attempts(), later.failures(), earlier.firstStartedAt(), due, earlier.originalTopic(),
                        earlier.originalPartition(), earlier.originalOffset(), earlier.originalTimestamp());
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        next.writeTo(headers);
        write(item, headers, due, "retry " + (later.attempts() + 1) + " of " + item, onWritten);
    }

    /** Re-publishes, unchanged, a task due at {@code due} (further off than the worker holds tasks). */
    public void defer(WorkItem item, Instant due, Runnable onWritten) {
        write(item, new RecordHeaders(item.record().headers().toArray()), due, "delayed task " + item, onWritten);
    }

    private void write(WorkItem item, RecordHeaders headers, Instant due, String description, Runnable onWritten) {
        ConsumerRecord<byte[], byte[]> record = item.record();
        DelayRoute route = DelayRoute.of(record.topic(), topics.of(record.topic()).tiers(), Duration.between(Instant.now(), due));
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(route.topic(), route.partition(), null, record.key(),
                record.value(), headers);
        writes.write(item, out, new AcknowledgedWrites.Write() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public ProducerRecord<byte[], byte[]> shrink(ProducerRecord<byte[], byte[]> refused) {
                return null; // canHandOff checked it fits; a refusal here leaves the task unfinished, with an ERROR
            }

            @Override
            public void written(ProducerRecord<byte[], byte[]> written, RecordMetadata metadata) {
                onWritten.run();
            }
        }, Settlement.HANDED_OFF);
    }
}
