package dev.jobwire.worker.consumer;

import dev.jobwire.worker.backpressure.BackpressurePolicy;
import dev.jobwire.worker.dispatch.Dispatcher;
import dev.jobwire.worker.offsets.OffsetTracker;
import dev.jobwire.worker.offsets.PartitionOffsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only thread that touches the {@link Consumer}. Each turn it polls, hands records to the
 * {@link Dispatcher}, pauses or resumes partitions as the {@link BackpressurePolicy} says, and
 * commits what the {@link OffsetTracker} says is finished. It never waits on a task (except a
 * bounded wait on revocation and shutdown), so it polls often even when every partition is
 * paused, and group membership holds whatever handlers do.
 *
 * <p>Thread-safety: {@link #run()} on its own thread; {@link #requestStop()} and the status
 * getters from any thread.
 */
public final class PollLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    private static final Duration PAUSED_POLL_TIMEOUT = Duration.ofMillis(5);

    /** How the loop is tuned; see {@code WorkerConfig} for defaults. */
    public record Settings(Collection<String> topics, Duration pollTimeout, Duration commitInterval,
            Duration revocationGrace, Duration shutdownGrace) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Dispatcher dispatcher;
    private final OffsetTracker offsets;
    private final BackpressurePolicy backpressure;
    private final Settings settings;
    private final CountDownLatch finished = new CountDownLatch(1);

    private volatile boolean stopRequested;
    private volatile boolean joined;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile int assignedCount;
    private volatile int pausedCount;
    private long lastCommitNanos = System.nanoTime();

    public PollLoop(Consumer<byte[], byte[]> consumer, Dispatcher dispatcher, OffsetTracker offsets,
            BackpressurePolicy backpressure, Settings settings) {
        this.consumer = consumer;
        this.dispatcher = dispatcher;
        this.offsets = offsets;
        this.backpressure = backpressure;
        this.settings = settings;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(settings.topics(), new Rebalancing());
            log.info("polling {}", settings.topics());
            while (!stopRequested) {
                pollOnce();
                applyBackpressure();
                commitIfDue();
            }
            shutDown();
        } catch (RuntimeException e) {
            log.error("poll loop failed; cancelling running tasks (uncommitted work will be redelivered)", e);
            dispatcher.stopStarting();
            dispatcher.cancelAll();
            throw e;
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } finally {
                finished.countDown();
            }
        }
    }

    private void pollOnce() {
        // With partitions paused, a poll may fetch nothing for its whole timeout while the buffer
        // drains; a short poll lets them resume as soon as it is low again instead.
        Duration timeout = pausedCount > 0 ? PAUSED_POLL_TIMEOUT : settings.pollTimeout();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        lastPollNanos = System.nanoTime();
        for (TopicPartition partition : records.partitions()) {
            PartitionOffsets partitionOffsets = offsets.get(partition);
            if (partitionOffsets != null) {
                dispatcher.add(partition, partitionOffsets, records.records(partition));
            }
        }
    }

    private void applyBackpressure() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, Integer> load = new HashMap<>();
        Map<TopicPartition, Integer> current = dispatcher.loadByPartition();
        for (TopicPartition partition : assigned) {
            load.put(partition, current.getOrDefault(partition, 0));
        }
        Set<TopicPartition> paused = consumer.paused();
        var decision = backpressure.decide(load, dispatcher.buffered(), paused);
        if (!decision.pause().isEmpty()) {
            consumer.pause(decision.pause());
            log.debug("paused {} (buffered {}, running {})", decision.pause(), dispatcher.buffered(), dispatcher.active());
        }
        if (!decision.resume().isEmpty()) {
            consumer.resume(decision.resume());
            log.debug("resumed {}", decision.resume());
        }
        assignedCount = assigned.size();
        pausedCount = consumer.paused().size();
    }

    private void commitIfDue() {
        if (System.nanoTime() - lastCommitNanos < settings.commitInterval().toNanos()) {
            return;
        }
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> pending = offsets.pendingCommits();
        if (pending.isEmpty()) {
            return;
        }
        consumer.commitAsync(pending, (committed, error) -> {
            if (error == null) {
                offsets.committed(committed);
            } else if (error instanceof RebalanceInProgressException) {
                // Expected while members join or leave; revocation commits what this member gives up.
                log.info("offset commit deferred: the group is rebalancing");
            } else {
                // The next turn commits the same or later offsets; nothing is lost meanwhile.
                log.warn("offset commit failed, will retry: {}", error.toString());
            }
        });
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> pending, String when) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(pending, Duration.ofSeconds(10));
            offsets.committed(pending);
            log.info("committed on {}: {}", when, describe(pending));
        } catch (RuntimeException e) {
            log.warn("offset commit on {} failed; finished tasks after the last commit will be redelivered: {}", when, e.toString());
        }
    }

    /** Graceful stop: no new tasks, in-flight ones get the grace period, then the rest are cancelled. */
    private void shutDown() {
        log.info("stopping: {} task(s) running, {} buffered (buffered ones will be redelivered)",
                dispatcher.active(), dispatcher.buffered());
        dispatcher.stopStarting();
        Set<TopicPartition> assigned = consumer.assignment();
        consumer.pause(assigned);
        dispatcher.dropBuffered(assigned);
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        // Keep polling (everything is paused) so the group keeps us while tasks finish.
        while (dispatcher.active() > 0 && System.nanoTime() < deadline) {
            consumer.pause(consumer.assignment());
            consumer.poll(Duration.ofMillis(100));
            lastPollNanos = System.nanoTime();
            commitIfDue();
        }
        int left = dispatcher.active();
        if (left > 0) {
            log.warn("grace period of {} ms over: cancelling {} task(s); they will be redelivered",
                    settings.shutdownGrace().toMillis(), left);
            dispatcher.cancelAll();
            awaitQuietly(Duration.ofSeconds(5));
        }
        commitSync(offsets.pendingCommits(), "shutdown");
    }

    private void awaitQuietly(Duration timeout) {
        try {
            dispatcher.awaitIdle(consumer.assignment(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asks the loop to stop; returns at once. The loop notices within one poll timeout. (No
     * {@code consumer.wakeup()}: a wake-up left pending would break the next {@code poll} or
     * commit of the shutdown itself.)
     */
    public void requestStop() {
        stopRequested = true;
    }

    /** Waits for the loop to finish its shutdown. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Joined the group and polled recently. */
    public boolean isReady() {
        return joined && isAlive();
    }

    /** The loop polled within the last 30 seconds (it polls every {@code pollTimeout} at most). */
    public boolean isAlive() {
        return finished.getCount() > 0 && System.nanoTime() - lastPollNanos < TimeUnit.SECONDS.toNanos(30);
    }

    public int assignedPartitions() {
        return assignedCount;
    }

    public int pausedPartitions() {
        return pausedCount;
    }

    private static String describe(Map<TopicPartition, OffsetAndMetadata> offsets) {
        StringBuilder text = new StringBuilder();
        offsets.forEach((p, o) -> text.append(text.isEmpty() ? "" : ", ").append(p).append('=').append(o.offset()));
        return text.toString();
    }

    /** Runs on the poll thread, inside {@code poll()}. */
    private final class Rebalancing implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(offsets::assign);
            joined = true;
            if (!partitions.isEmpty()) {
                log.info("assigned {}", partitions);
            }
            // Paused from the start when stopping, or when the buffer is already full: a rebalance
            // must not let the next poll overflow it.
            if (stopRequested || backpressure.totalFull(dispatcher.buffered())) {
                consumer.pause(partitions);
            }
        }

        /**
         * Stop starting their tasks, drop their buffered records (the new owner fetches them), give
         * in-flight ones a bounded time, cancel the rest, and commit what is finished.
         */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            int dropped = dispatcher.dropBuffered(partitions);
            boolean idle;
            try {
                idle = dispatcher.awaitIdle(partitions, settings.revocationGrace());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                idle = false;
            }
            int cancelled = idle ? 0 : dispatcher.cancelRunning(partitions);
            Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
            for (TopicPartition partition : partitions) {
                PartitionOffsets revoked = offsets.revoke(partition);
                if (revoked != null) {
                    revoked.pendingCommit().ifPresent(o -> pending.put(partition, new OffsetAndMetadata(o)));
                }
            }
            log.info("revoked {}: dropped {} buffered, cancelled {} still running", partitions, dropped, cancelled);
            commitSync(pending, "revocation");
        }

        /** Lost (not revoked): another member may own them already, so no commit. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            int dropped = dispatcher.dropBuffered(partitions);
            int cancelled = dispatcher.cancelRunning(partitions);
            partitions.forEach(offsets::revoke);
            log.warn("lost {} without a clean revocation: dropped {} buffered, cancelled {} running; they will be redelivered",
                    partitions, dropped, cancelled);
        }
    }
}
