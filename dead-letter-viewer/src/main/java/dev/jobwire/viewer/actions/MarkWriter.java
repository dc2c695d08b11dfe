package dev.jobwire.viewer.actions;

import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.kafka.MarkCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The one writer of marks: applies a mark to this viewer's store at once (so the user sees what
 * they just did) and sends it to the compacted marks topic (so every viewer does). Thread-safe
 * (the producer and the store are).
 */
public final class MarkWriter {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final MarkStore store;

    public MarkWriter(Producer<byte[], byte[]> producer, String topic, MarkStore store) {
        this.producer = producer;
        this.topic = topic;
        this.store = store;
    }

    public Future<RecordMetadata> write(DeadLetterRef ref, Mark mark) {
        store.apply(ref.toString(), mark);
        return producer.send(new ProducerRecord<>(topic, ref.toString().getBytes(StandardCharsets.UTF_8), MarkCodec.encode(mark)));
    }

    /** Deletes the mark of a dead letter that no longer exists (a tombstone, removed by compaction). */
    public Future<RecordMetadata> delete(String ref) {
        store.apply(ref, null);
        return producer.send(new ProducerRecord<>(topic, ref.getBytes(StandardCharsets.UTF_8), null));
    }

    public MarkStore store() {
        return store;
    }
}
