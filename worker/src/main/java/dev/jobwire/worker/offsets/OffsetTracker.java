package dev.jobwire.worker.offsets;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The {@link PartitionOffsets} of every partition currently assigned. Thread-safe; assignment
 * changes come from the poll thread only.
 */
public final class OffsetTracker {
    private final Map<TopicPartition, PartitionOffsets> partitions = new ConcurrentHashMap<>();

    public PartitionOffsets assign(TopicPartition partition) {
        return partitions.computeIfAbsent(partition, p -> new PartitionOffsets());
    }

    /** Forgets a revoked partition; returns its offsets for a last commit, or null. */
    public PartitionOffsets revoke(TopicPartition partition) {
        return partitions.remove(partition);
    }

    public PartitionOffsets get(TopicPartition partition) {
        return partitions.get(partition);
    }

    /** Offsets that moved since the last commit, ready for {@code commitSync/commitAsync}. */
    public Map<TopicPartition, OffsetAndMetadata> pendingCommits() {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        partitions.forEach((partition, offsets) ->
                offsets.pendingCommit().ifPresent(o -> result.put(partition, new OffsetAndMetadata(o))));
        return result;
    }

    /** Marks offsets as committed after the broker confirmed them. */
    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            PartitionOffsets tracked = partitions.get(partition);
            if (tracked != null) {
                tracked.committed(offset.offset());
            }
        });
    }
}
