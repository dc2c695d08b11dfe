package dev.jobwire.worker.offsets;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
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

    /**
     * How long the oldest unfinished record of any assigned partition has been in the worker,
     * in seconds; 0 when every received record is finished. A task stuck in a handler, a retry
     * loop or an unwritable dead letter shows here, since its offset holds the commits back.
     */
    public double oldestUnfinishedAgeSeconds() {
        long now = System.nanoTime();
        long oldestAge = 0;
        for (PartitionOffsets offsets : partitions.values()) {
            OptionalLong since = offsets.oldestUnfinishedSince();
            if (since.isPresent()) {
                oldestAge = Math.max(oldestAge, now - since.getAsLong());
            }
        }
        return oldestAge / 1e9;
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
