package dev.jobwire.worker.source.group;

import dev.jobwire.worker.admission.Admission;
import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.OrderingMode;
import dev.jobwire.worker.backpressure.BackpressurePolicy;
import dev.jobwire.worker.execution.TaskThreads;
import dev.jobwire.worker.source.LoopLiveness;
import dev.jobwire.worker.source.TaskSource;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks from a consumer group: the only thread that touches the {@link Consumer}. Each turn it
 * polls, hands each partition's records to {@link Admission} as one batch, pauses or resumes
 * partitions as the {@link BackpressurePolicy} says, and commits what {@link Assignment} says is
 * finished: at least every {@code commitInterval}, and at once when nothing is buffered, running
 * or being written, so the last offset is committed as soon as the last task is done. It never
 * waits on a task (except a bounded wait on revocation and shutdown), so it polls often even when
 * every partition is paused, and group membership holds whatever handlers do.
 *
 * <p>Thread-safety: {@link #run()} on its own thread; {@link #requestStop()} and the status getters
 * from any thread.
 */
public final class GroupSource implements TaskSource {
    private static final Logger log = LoggerFactory.getLogger(GroupSource.class);
    /** While work is under way: short polls notice a task's end (and partitions to resume) promptly. */
    private static final Duration BUSY_POLL_TIMEOUT = Duration.ofMillis(5);
    /** Commits triggered by the worker falling idle come at most this often. */
    private static final long IDLE_COMMIT_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * How the loop is tuned; see {@code WorkerConfig} for defaults.
     *
     * @param writeGrace       how long revocation and shutdown wait for dead-letter and delayed-task writes on their way
     * @param laneWriteLimit   a partition with this many writes pending pauses
     * @param laneWriteBytes   ... or with this many bytes of writes pending
     */
    public record Settings(Collection<String> topics, Duration pollTimeout, Duration commitInterval,
            Duration revocationGrace, Duration shutdownGrace, Duration writeGrace, OrderingMode ordering,
            int laneWriteLimit, long laneWriteBytes) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final TaskThreads threads;
    private final Admission admission;
    private final BackpressurePolicy backpressure;
    private final Settings settings;
    private final Assignment assignment = new Assignment();
    private final Committer committer;
    private final RebalanceHandler rebalancing;
    private final LoopLiveness liveness = new LoopLiveness();

    private volatile boolean stopRequested;
    private volatile int pausedCount;
    private long lastCommitNanos = System.nanoTime();
    private boolean committedSinceIdle;

    public GroupSource(Consumer<byte[], byte[]> consumer, TaskThreads threads, BackpressurePolicy backpressure,
            Settings settings) {
        this.consumer = consumer;
        this.threads = threads;
        this.admission = threads.admission();
        this.backpressure = backpressure;
        this.settings = settings;
        this.committer = new Committer(consumer, assignment);
        this.rebalancing = new RebalanceHandler(consumer, assignment, threads, committer, settings.revocationGrace(),
                settings.writeGrace(), () -> stopRequested || backpressure.totalFull(admission.buffered()));
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(settings.topics(), rebalancing);
            log.info("polling {}", settings.topics());
            while (!stopRequested) {
                Admission.Snapshot snapshot = admission.snapshot(assignment.lanes());
                pollOnce(snapshot);
                snapshot = admission.snapshot(assignment.lanes());
                applyBackpressure(snapshot);
                commitIfDue(snapshot);
            }
            shutDown();
        } catch (RuntimeException | Error e) {
            log.error("poll loop failed; cancelling running tasks (unfinished work will be delivered again)", e);
            admission.stopStarting();
            assignment.lanes().forEach(threads::cancel);
            throw e;
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } finally {
                liveness.ended();
            }
        }
    }

    private void pollOnce(Admission.Snapshot snapshot) {
        boolean busy = pausedCount > 0 || !snapshot.idle() || pendingWrites() > 0;
        ConsumerRecords<byte[], byte[]> records = consumer.poll(busy ? BUSY_POLL_TIMEOUT : settings.pollTimeout());
        liveness.turned(System.nanoTime());
        if (!records.isEmpty()) {
            // New work, even if it is done before the next snapshot: the next idle spell commits it.
            committedSinceIdle = false;
        }
        for (TopicPartition partition : records.partitions()) {
            PartitionProgress progress = assignment.get(partition);
            if (progress != null) {
                admission.add(progress.lane(), progress.receive(records.records(partition), settings.ordering()));
            }
        }
    }

    private void applyBackpressure(Admission.Snapshot snapshot) {
        Set<TopicPartition> paused = consumer.paused();
        Map<TopicPartition, Integer> load = new HashMap<>();
        for (PartitionProgress progress : assignment.all()) {
            Lane lane = progress.lane();
            int writes = lane.writes().count();
            boolean writesPiledUp = writes >= settings.laneWriteLimit() || lane.writes().bytes() >= settings.laneWriteBytes();
            // Writes that cannot get through pause their own partition only; the others keep flowing.
            load.put((TopicPartition) lane.id(), writesPiledUp ? Integer.MAX_VALUE / 2
                    : snapshot.loads().getOrDefault(lane, 0) + writes);
        }
        var decision = backpressure.decide(load, snapshot.buffered() + snapshot.held(), paused);
        if (!decision.pause().isEmpty()) {
            consumer.pause(decision.pause());
            log.debug("paused {} (buffered {}, running {})", decision.pause(), snapshot.buffered(), snapshot.active());
        }
        if (!decision.resume().isEmpty()) {
            consumer.resume(decision.resume());
            log.debug("resumed {}", decision.resume());
        }
        pausedCount = paused.size() + decision.pause().size() - decision.resume().size();
    }

    private void commitIfDue(Admission.Snapshot snapshot) {
        long now = System.nanoTime();
        boolean idle = snapshot.idle() && pendingWrites() == 0;
        if (!idle) {
            committedSinceIdle = false;
        }
        boolean intervalDue = now - lastCommitNanos >= settings.commitInterval().toNanos();
        // Nothing left to wait for: commit now rather than after the interval, once per idle spell.
        boolean idleDue = idle && !committedSinceIdle && now - lastCommitNanos >= IDLE_COMMIT_SPACING_NANOS;
        if (!intervalDue && !idleDue) {
            return;
        }
        lastCommitNanos = now;
        committedSinceIdle = idle;
        committer.commitAsync();
        assignment.refreshOldestUnfinished();
    }

    private int pendingWrites() {
        int pending = 0;
        for (PartitionProgress progress : assignment.all()) {
            pending += progress.lane().writes().count();
        }
        return pending;
    }

    /**
     * Graceful stop: no new tasks, running ones and their writes get the grace period while the
     * loop keeps polling (everything paused), then the rest is cancelled and what is finished is
     * committed.
     */
    private void shutDown() {
        Admission.Snapshot snapshot = admission.snapshot(List.of());
        log.info("stopping: {} task(s) running, {} buffered (buffered ones will be delivered again)", snapshot.active(),
                snapshot.buffered() + snapshot.held());
        admission.stopStarting();
        consumer.pause(consumer.assignment());
        List<Lane> lanes = assignment.lanes();
        lanes.forEach(admission::drop);
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        while ((admission.active() > 0 || pendingWrites() > 0) && System.nanoTime() < deadline) {
            consumer.pause(consumer.assignment());
            consumer.poll(Duration.ofMillis(100));
            liveness.turned(System.nanoTime());
            if (System.nanoTime() - lastCommitNanos >= settings.commitInterval().toNanos()) {
                lastCommitNanos = System.nanoTime();
                committer.commitAsync();
            }
        }
        int left = admission.active();
        int writes = pendingWrites();
        if (left > 0 || writes > 0) {
            log.warn("grace period of {} ms over: cancelling {} task(s) and {} write(s); they will be delivered again",
                    settings.shutdownGrace().toMillis(), left, writes);
        }
        for (Lane lane : assignment.lanes()) {
            threads.cancel(lane);
            lane.writes().interruptAll();
        }
        awaitQuietly(Duration.ofSeconds(5));
        committer.commitSync(null, "shutdown", Duration.ofSeconds(10));
    }

    private void awaitQuietly(Duration timeout) {
        try {
            admission.awaitIdle(assignment.lanes(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asks the loop to stop; returns at once. The loop notices within one poll timeout. (No
     * {@code consumer.wakeup()}: a wake-up left pending would break the next {@code poll} or
     * commit of the shutdown itself.)
     */
    @Override
    public void requestStop() {
        stopRequested = true;
    }

    @Override
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return liveness.awaitEnded(timeout);
    }

    @Override
    public String notReadyReason() {
        if (!rebalancing.joined()) {
            return "not yet joined consumer group (waiting for a partition assignment)";
        }
        return liveness.stallReason("the poll loop has not polled");
    }

    @Override
    public boolean isPolling() {
        return liveness.isTurning();
    }

    @Override
    public double oldestUnfinishedAgeSeconds() {
        return assignment.oldestUnfinishedAgeSeconds();
    }

    public int assignedPartitions() {
        return assignment.size();
    }

    public int pausedPartitions() {
        return pausedCount;
    }
}
