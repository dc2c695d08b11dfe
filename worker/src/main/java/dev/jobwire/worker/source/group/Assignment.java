package dev.jobwire.worker.source.group;

import dev.jobwire.worker.admission.Lane;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions this member owns now, each with its {@link Lane} and {@link PartitionProgress}:
 * the one owner of the group source's offset state.
 *
 * <p>Not thread-safe: the poll thread owns it (rebalance callbacks run on it too). What other
 * threads read ({@link #oldestUnfinishedSince}) is published through volatile fields.
 */
final class Assignment {
    /** No record is unfinished. */
    static final long NONE = Long.MAX_VALUE;

    private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();
    private volatile long oldestUnfinishedSince = NONE;
    private volatile int size;

    PartitionProgress assign(TopicPartition partition) {
        PartitionProgress progress = partitions.computeIfAbsent(partition, p -> new PartitionProgress(new Lane(p)));
        size = partitions.size();
        return progress;
    }

    /** Forgets a partition; returns its progress for a last commit, or null. */
    PartitionProgress revoke(TopicPartition partition) {
        PartitionProgress progress = partitions.remove(partition);
        size = partitions.size();
        return progress;
    }

    PartitionProgress get(TopicPartition partition) {
        return partitions.get(partition);
    }

    Collection<PartitionProgress> all() {
        return partitions.values();
    }

    List<Lane> lanes() {
        List<Lane> lanes = new ArrayList<>(partitions.size());
        partitions.values().forEach(progress -> lanes.add(progress.lane()));
        return lanes;
    }

    int size() {
        return size;
    }

    /** Offsets that moved since the last commit, of every partition (or of {@code only}, when given). */
    Map<TopicPartition, OffsetAndMetadata> pendingCommits(Collection<TopicPartition> only) {
        Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
        Collection<TopicPartition> which = only == null ? partitions.keySet() : only;
        for (TopicPartition partition : which) {
            PartitionProgress progress = partitions.get(partition);
            if (progress != null) {
                OptionalLong offset = progress.pendingCommit();
                if (offset.isPresent()) {
                    pending.put(partition, new OffsetAndMetadata(offset.getAsLong()));
                }
            }
        }
        return pending;
    }

    /** Re-reads when the oldest unfinished record of any partition was received. */
    void refreshOldestUnfinished() {
        long oldest = NONE;
        for (PartitionProgress progress : partitions.values()) {
            OptionalLong since = progress.oldestUnfinishedSince();
            if (since.isPresent() && (oldest == NONE || since.getAsLong() - oldest < 0)) {
                oldest = since.getAsLong();
            }
        }
        oldestUnfinishedSince = oldest;
    }

    /**
     * How long the oldest unfinished record of any owned partition has been in the worker, in
     * seconds; 0 when every record received is finished. As of the last commit check.
     */
    double oldestUnfinishedAgeSeconds() {
        long since = oldestUnfinishedSince;
        return since == NONE ? 0 : (System.nanoTime() - since) / 1e9;
    }
}
