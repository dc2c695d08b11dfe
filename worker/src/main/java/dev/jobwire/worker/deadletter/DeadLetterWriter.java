package dev.jobwire.worker.deadletter;

import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterHeaders;
import dev.jobwire.wire.RetryRound;
import dev.jobwire.wire.TopicNames;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.completion.AcknowledgedWrites;
import dev.jobwire.worker.source.Settlement;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters to {@code <task topic>.dlt}: the original key, value and headers untouched
 * (a re-published retry's {@code jobwire.retry.*} bookkeeping removed: the dead letter lists its
 * attempts instead), plus the failure headers of {@link DeadLetter}. The task is finished only once
 * the broker acknowledged it ({@link AcknowledgedWrites}).
 *
 * <p>A dead letter the broker refuses as too large is written again with a shortened stack trace
 * and attempt messages; if even that does not fit (a dead-letter topic created elsewhere with a
 * smaller limit than its task topic), with the value left out and
 * {@link DeadLetterHeaders#VALUE_OMITTED} saying how large it was, and an ERROR saying so: a dead
 * letter that never fits would otherwise hold its partition's commits forever.
 *
 * <p>Thread-safe.
 */
public final class DeadLetterWriter {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final AcknowledgedWrites writes;

    public DeadLetterWriter(AcknowledgedWrites writes) {
        this.writes = writes;
    }

    /** Starts writing the dead letter of {@code item}; {@code onWritten} runs once the broker acknowledged it. */
    public void write(WorkItem item, DeadLetter deadLetter, Runnable onWritten) {
        ConsumerRecord<byte[], byte[]> original = item.record();
        writes.write(item, record(original, deadLetter, false), new Shrinking(item, deadLetter, onWritten),
                Settlement.DEAD_LETTERED);
    }

    static ProducerRecord<byte[], byte[]> record(ConsumerRecord<byte[], byte[]> original, DeadLetter deadLetter,
            boolean omitValue) {
        RecordHeaders headers = new RecordHeaders(original.headers().toArray());
        RetryRound.removeFrom(headers);
        deadLetter.writeTo(headers);
        byte[] value = original.value();
        if (omitValue) {
            headers.add(DeadLetterHeaders.VALUE_OMITTED,
                    Integer.toString(value == null ? 0 : value.length).getBytes(StandardCharsets.UTF_8));
            value = new byte[0];
        }
        return new ProducerRecord<>(TopicNames.deadLetterTopicFor(original.topic()), null, null, original.key(), value,
                headers);
    }

    /** One dead letter's write, cut down step by step when it is too large. Used by its write's thread only. */
    private static final class Shrinking implements AcknowledgedWrites.Write {
        private final WorkItem item;
        private final DeadLetter deadLetter;
        private final Runnable onWritten;
        private int cuts;

        Shrinking(WorkItem item, DeadLetter deadLetter, Runnable onWritten) {
            this.item = item;
            this.deadLetter = deadLetter;
            this.onWritten = onWritten;
        }

        @Override
        public String description() {
            return "dead letter of " + item;
        }

        @Override
        public ProducerRecord<byte[], byte[]> shrink(ProducerRecord<byte[], byte[]> refused) {
            cuts++;
            if (cuts == 1) {
                log.warn("dead letter of {} is over the size limit; writing it with a shortened stack trace", item);
                return record(item.record(), deadLetter.trimmed(), false);
            }
            if (cuts == 2) {
                int size = item.record().value() == null ? 0 : item.record().value().length;
                log.error("dead letter of {} is over the dead-letter topic's size limit even shortened; writing it "
                        + "WITHOUT its value ({} bytes, header {}): the original stays at {} until retention removes it",
                        item, size, DeadLetterHeaders.VALUE_OMITTED, item);
                return record(item.record(), deadLetter.trimmed(), true);
            }
            return null;
        }

        @Override
        public void written(ProducerRecord<byte[], byte[]> written, RecordMetadata metadata) {
            onWritten.run();
        }
    }
}
