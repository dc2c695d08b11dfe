package dev.jobwire.worker.source.group;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what {@link Assignment} says is finished: asynchronously while running (a failed commit
 * is simply retried by the next one, which names the same or later offsets), synchronously when
 * partitions are given up and at shutdown.
 *
 * <p>Not thread-safe: the poll thread owns it; commit callbacks run on it too.
 */
final class Committer {
    private static final Logger log = LoggerFactory.getLogger(Committer.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Assignment assignment;
    private long commits;

    Committer(Consumer<byte[], byte[]> consumer, Assignment assignment) {
        this.consumer = consumer;
        this.assignment = assignment;
    }

    /** Commits every partition's finished offsets, if any moved; returns at once. */
    void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> pending = assignment.pendingCommits(null);
        if (pending.isEmpty()) {
            return;
        }
        Map<TopicPartition, PartitionProgress> owners = owners(pending);
        consumer.commitAsync(pending, (committed, error) -> {
            if (error == null) {
                commits++;
                committed.forEach((partition, offset) -> owners.get(partition).committed(offset.offset()));
            } else if (error instanceof RebalanceInProgressException) {
                // Expected while members join or leave; revocation commits what this member gives up.
                log.info("offset commit deferred: the group is rebalancing");
            } else {
                log.warn("offset commit failed, will retry: {}", error.toString());
            }
        });
    }

    /**
     * Commits the finished offsets of {@code partitions} (every owned one when null) and waits.
     *
     * @return whether the commit succeeded (or there was nothing to commit)
     */
    boolean commitSync(Collection<TopicPartition> partitions, String when, Duration timeout) {
        Map<TopicPartition, OffsetAndMetadata> pending = assignment.pendingCommits(partitions);
        if (pending.isEmpty()) {
            return true;
        }
        Map<TopicPartition, PartitionProgress> owners = owners(pending);
        try {
            consumer.commitSync(pending, timeout);
            commits++;
            pending.forEach((partition, offset) -> owners.get(partition).committed(offset.offset()));
            log.info("committed on {}: {}", when, describe(pending));
            return true;
        } catch (RuntimeException e) {
            log.warn("offset commit on {} failed; tasks finished after the last commit will be delivered again: {}", when,
                    e.toString());
            return false;
        }
    }

    /** Commits that succeeded, since start. */
    long commits() {
        return commits;
    }

    private Map<TopicPartition, PartitionProgress> owners(Map<TopicPartition, OffsetAndMetadata> pending) {
        Map<TopicPartition, PartitionProgress> owners = new HashMap<>();
        pending.keySet().forEach(partition -> owners.put(partition, assignment.get(partition)));
        return owners;
    }

    private static String describe(Map<TopicPartition, OffsetAndMetadata> offsets) {
        StringBuilder text = new StringBuilder();
        offsets.forEach((p, o) -> text.append(text.isEmpty() ? "" : ", ").append(p).append('=').append(o.offset()));
        return text.toString();
    }
}
