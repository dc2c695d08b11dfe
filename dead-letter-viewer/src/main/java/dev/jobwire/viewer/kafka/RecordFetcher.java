package dev.jobwire.viewer.kafka;

import dev.jobwire.viewer.ViewerConfig;
import dev.jobwire.viewer.index.DeadLetterRef;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Re-reads exact dead-letter records (key, value, every header) by reference, for the detail view
 * and for replay. The index keeps only summaries, so this is the source of truth for bytes.
 *
 * <p>Thread-safety: calls are serialised (one consumer, used under this object's lock).
 */
public final class RecordFetcher implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Beyond this gap between wanted offsets, seeking is cheaper than reading through. */
    private static final long SEEK_GAP = 200;

    private final KafkaConsumer<byte[], byte[]> consumer;

    public RecordFetcher(ViewerConfig config) {
        Map<String, Object> props = KafkaClients.consumer(config, "fetcher");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The record, or null when it is no longer on the broker (retention) or never existed. */
    public ConsumerRecord<byte[], byte[]> fetch(DeadLetterRef ref) {
        return fetchAll(List.of(ref)).get(ref);
    }

    /**
     * The records found, in the order of {@code refs}; references that are gone are absent.
     */
    public synchronized Map<DeadLetterRef, ConsumerRecord<byte[], byte[]>> fetchAll(List<DeadLetterRef> refs) {
        Map<TopicPartition, TreeSet<Long>> wanted = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (DeadLetterRef ref : refs) {
            wanted.computeIfAbsent(new TopicPartition(ref.topic(), ref.partition()), tp -> new TreeSet<>()).add(ref.offset());
        }
        Map<DeadLetterRef, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
        for (var entry : wanted.entrySet()) {
            readPartition(entry.getKey(), entry.getValue(), found);
        }
        consumer.assign(List.of());
        Map<DeadLetterRef, ConsumerRecord<byte[], byte[]>> ordered = new LinkedHashMap<>();
        for (DeadLetterRef ref : refs) {
            ConsumerRecord<byte[], byte[]> r = found.get(ref);
            if (r != null) {
                ordered.put(ref, r);
            }
        }
        return ordered;
    }

    private void readPartition(TopicPartition tp, TreeSet<Long> pending,
            Map<DeadLetterRef, ConsumerRecord<byte[], byte[]>> found) {
        List<PartitionInfo> infos = consumer.partitionsFor(tp.topic(), TIMEOUT);
        if (infos == null || infos.stream().noneMatch(p -> p.partition() == tp.partition())) {
            return;
        }
        consumer.assign(List.of(tp));
        long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
        pending.tailSet(end, true).clear(); // beyond the end: never written
        if (pending.isEmpty()) {
            return;
        }
        consumer.seek(tp, pending.first());
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                if (pending.remove(r.offset())) {
                    found.put(new DeadLetterRef(tp.topic(), tp.partition(), r.offset()), r);
                }
            }
            long position = consumer.position(tp, TIMEOUT);
            pending.headSet(position).clear(); // passed by: removed by retention or compaction
            if (position >= end) {
                break;
            }
            if (!pending.isEmpty() && pending.first() - position > SEEK_GAP) {
                consumer.seek(tp, pending.first());
            }
        }
    }

    /**
     * The log-start offsets of those of {@code partitions} that exist (records below them were
     * deleted by retention).
     */
    public synchronized Map<TopicPartition, Long> beginningOffsets(java.util.Collection<TopicPartition> partitions) {
        List<TopicPartition> existing = new java.util.ArrayList<>();
        Map<String, List<PartitionInfo>> byTopic = new HashMap<>();
        for (TopicPartition tp : partitions) {
            List<PartitionInfo> infos = byTopic.computeIfAbsent(tp.topic(), t -> {
                List<PartitionInfo> found = consumer.partitionsFor(t, TIMEOUT);
                return found == null ? List.of() : found;
            });
            if (infos.stream().anyMatch(p -> p.partition() == tp.partition())) {
                existing.add(tp);
            }
        }
        return existing.isEmpty() ? Map.of() : consumer.beginningOffsets(existing, TIMEOUT);
    }

    /** The partition count of {@code topic}, or 0 when it does not exist. */
    public synchronized int partitionCount(String topic) {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            return infos == null ? 0 : infos.size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
