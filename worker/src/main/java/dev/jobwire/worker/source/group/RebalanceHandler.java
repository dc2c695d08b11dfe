package dev.jobwire.worker.source.group;

import dev.jobwire.worker.admission.Admission;
import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.execution.TaskThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the group source does when partitions come and go. Assigned partitions get a fresh lane
 * (paused at once when the worker is stopping or its buffer is full, so a rebalance cannot
 * overflow it). A revoked partition's buffered records are dropped (its next owner fetches them),
 * its running tasks get {@code revocationGrace} to finish and are cancelled after it, the writes
 * its finished tasks wait for get {@code writeGrace} to be acknowledged (a write not yet sent is
 * abandoned: no dead letter is written for a partition that is gone), and what is finished is
 * committed. A lost partition may belong to another member already: the same, but nothing is
 * committed.
 *
 * <p>Not thread-safe: runs on the poll thread, inside {@code poll()}.
 */
final class RebalanceHandler implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(RebalanceHandler.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Assignment assignment;
    private final TaskThreads threads;
    private final Committer committer;
    private final Duration revocationGrace;
    private final Duration writeGrace;
    private final BooleanSupplier startPaused;
    private volatile boolean joined;

    /**
     * @param startPaused whether newly assigned partitions must start paused (stopping, or the buffer is full)
     */
    RebalanceHandler(Consumer<byte[], byte[]> consumer, Assignment assignment, TaskThreads threads, Committer committer,
            Duration revocationGrace, Duration writeGrace, BooleanSupplier startPaused) {
        this.consumer = consumer;
        this.assignment = assignment;
        this.threads = threads;
        this.committer = committer;
        this.revocationGrace = revocationGrace;
        this.writeGrace = writeGrace;
        this.startPaused = startPaused;
    }

    /** The member has been part of the group (received an assignment, possibly empty). */
    boolean joined() {
        return joined;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        partitions.forEach(assignment::assign);
        joined = true;
        if (!partitions.isEmpty()) {
            log.info("assigned {}", partitions);
            if (startPaused.getAsBoolean()) {
                consumer.pause(partitions);
            }
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        List<Lane> lanes = lanesOf(partitions);
        Admission admission = threads.admission();
        int dropped = 0;
        for (Lane lane : lanes) {
            dropped += admission.drop(lane);
        }
        boolean idle = await(() -> admission.awaitIdle(lanes, revocationGrace));
        int cancelled = 0;
        for (Lane lane : lanes) {
            cancelled += threads.cancel(lane); // also stops writes that wait to be retried
            lane.writes().interruptAll();
        }
        boolean written = true;
        long writesDeadline = System.nanoTime() + writeGrace.toNanos();
        for (Lane lane : lanes) {
            written &= await(() -> lane.writes().awaitNone(Duration.ofNanos(Math.max(0, writesDeadline - System.nanoTime()))));
        }
        log.info("revoked {}: dropped {} buffered, cancelled {} still running{}{}", partitions, dropped, idle ? 0 : cancelled,
                idle ? "" : " after the grace period", written ? "" : "; some writes got no answer in time");
        committer.commitSync(partitions, "revocation", Duration.ofSeconds(10));
        partitions.forEach(assignment::revoke);
    }

    /** Lost (not revoked): another member may own them already, so no commit. */
    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        List<Lane> lanes = lanesOf(partitions);
        int dropped = 0;
        int cancelled = 0;
        for (Lane lane : lanes) {
            dropped += threads.admission().drop(lane);
            cancelled += threads.cancel(lane);
            lane.writes().interruptAll();
        }
        partitions.forEach(assignment::revoke);
        log.warn("lost {} without a clean revocation: dropped {} buffered, cancelled {} running; they will be delivered again",
                partitions, dropped, cancelled);
    }

    private List<Lane> lanesOf(Collection<TopicPartition> partitions) {
        List<Lane> lanes = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            PartitionProgress progress = assignment.get(partition);
            if (progress != null) {
                lanes.add(progress.lane());
            }
        }
        return lanes;
    }

    private interface Wait {
        boolean await() throws InterruptedException;
    }

    private static boolean await(Wait wait) {
        try {
            return wait.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
