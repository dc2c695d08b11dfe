package dev.jobwire.worker.source.share;

import dev.jobwire.worker.admission.Admission;
import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.execution.TaskThreads;
import dev.jobwire.worker.metrics.WorkerMetrics;
import dev.jobwire.worker.source.LoopLiveness;
import dev.jobwire.worker.source.Settlement;
import dev.jobwire.worker.source.TaskSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks from a share group (KIP-932): the only thread that touches the {@link ShareConsumer}, in
 * explicit acknowledgement mode with {@code share.acquire.mode=record_limit}, so a poll acquires at
 * most {@code max.poll.records} (the worker's I/O slots) and nothing is prefetched under a ticking
 * lock. Task and write threads settle records into {@link SettledRecords}; this loop acknowledges
 * them ({@link Deliveries} says how and when).
 *
 * <p>The consumer lets a record be acknowledged only until the next poll, and refuses to poll while
 * a record of the last poll is unacknowledged. So each turn the loop: acknowledges what settled
 * (and sends it at once); while tasks of the last poll still run, it waits for the next
 * settlement, renews their lock when half of it is gone ({@code RENEW}, where the group allows it:
 * a renewal needs a poll, which returns the renewed records again and fetches nothing new), and
 * releases a task that has run longer than {@code maxHold}; once nothing is held, it polls for
 * more, when admission has room. A worker therefore fetches its next records when the last of its
 * current ones is done: "fetch no more than you can start", with no records waiting under lock.
 *
 * <p>Thread-safety: {@link #run()} on its own thread; {@link #requestStop()} and the status getters
 * from any thread.
 */
public final class ShareSource implements TaskSource {
    private static final Logger log = LoggerFactory.getLogger(ShareSource.class);
    /** The longest wait for a settlement before the loop looks at renewals and liveness again. */
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A poll that only brings renewed records back. */
    private static final Duration RENEWAL_POLL = Duration.ofMillis(100);
    private static final long OLDEST_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long NONE = Long.MAX_VALUE;

    /**
     * How the loop is tuned; see {@code WorkerConfig} for defaults.
     *
     * @param pollTimeout   how long an idle poll waits for records
     * @param shutdownGrace how long running tasks and their writes get at a graceful stop
     * @param maxHold       a task running longer is released to the group (a hung handler)
     * @param group         what the share group is set to (lock duration, renewal)
     */
    public record Settings(Collection<String> topics, Duration pollTimeout, Duration shutdownGrace, Duration maxHold,
            ShareGroupSetup.Settings group) {
    }

    private final ShareConsumer<byte[], byte[]> consumer;
    private final TaskThreads threads;
    private final Admission admission;
    private final Settings settings;
    private final SettledRecords settled = new SettledRecords();
    private final Deliveries deliveries;
    private final ShareMetrics metrics = new ShareMetrics();
    /** One lane per partition records came from: log labels, cancellation, pending writes. */
    private final Map<TopicPartition, Lane> lanes = new HashMap<>();
    private final LoopLiveness liveness = new LoopLiveness();

    private volatile boolean stopRequested;
    private volatile boolean polled;
    private volatile long oldestReceivedNanos = NONE;
    private volatile int locked;
    private long lastOldestRefresh;
    private boolean unsent;
    private long lockNanos;

    public ShareSource(ShareConsumer<byte[], byte[]> consumer, TaskThreads threads, Settings settings) {
        this.consumer = consumer;
        this.threads = threads;
        this.admission = threads.admission();
        this.settings = settings;
        this.lockNanos = settings.group().lockDuration().toNanos();
        this.deliveries = new Deliveries(this::acknowledge);
    }

    /** Registers the share meters (the registry must be bound). */
    public ShareSource bindMetrics(WorkerMetrics workerMetrics) {
        metrics.bindTo(workerMetrics);
        workerMetrics.gauge("jobwire.share.records.locked", "Records this worker holds under its share-group lock now", null,
                () -> locked);
        workerMetrics.gauge("jobwire.share.lock.duration", "The share group's record lock duration, as last seen", "seconds",
                () -> lockNanos / 1e9);
        return this;
    }

    @Override
    public void run() {
        try {
            consumer.setAcknowledgementCommitCallback(this::onAcknowledged);
            consumer.subscribe(settings.topics());
            log.info("polling {} in share group (lock {} ms, renewal {})", settings.topics(), TimeUnit.NANOSECONDS.toMillis(lockNanos),
                    settings.group().renewAllowed() ? "on" : "off");
            while (!stopRequested) {
                turn(true);
            }
            shutDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelEverything();
        } catch (RuntimeException | Error e) {
            log.error("share poll loop failed; cancelling running tasks (what is not acknowledged is delivered again)", e);
            cancelEverything();
            throw e;
        } finally {
            try {
                consumer.close(Duration.ofSeconds(10)); // releases whatever is still acquired
            } finally {
                liveness.ended();
            }
        }
    }

    /**
     * One turn: acknowledge what settled, keep locks of running tasks, then poll when nothing is
     * held, or wait for the next settlement.
     *
     * @param fetch whether a poll may fetch new records (not while stopping)
     */
    private void turn(boolean fetch) throws InterruptedException {
        long now = System.nanoTime();
        liveness.turned(now);
        acknowledgeSettled(settled.take(0));
        keepLocks(now);
        refreshStatus(now);
        boolean renewalsOut = deliveries.renewing() > 0;
        if (deliveries.mayPoll() && (renewalsOut || (fetch && admission.room() > 0))) {
            // With renewals out the consumer fetches nothing new: this poll only brings them back.
            poll(renewalsOut ? RENEWAL_POLL : settings.pollTimeout());
            return;
        }
        sendAcknowledgements();
        acknowledgeSettled(settled.take(waitNanos(now)));
    }

    /** Until the next settlement, but no longer than until the held records' renewal is due. */
    private long waitNanos(long now) {
        long wait = IDLE_WAIT_NANOS;
        if (deliveries.held() > 0 && settings.group().renewAllowed()) {
            wait = Math.max(1, Math.min(wait, deliveries.heldSinceNanos() + lockNanos / 2 - now));
        }
        return wait;
    }

    private void poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        unsent = false; // a poll sends the acknowledgements made before it
        polled = true;
        if (records.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        consumer.acquisitionLockTimeoutMs().ifPresent(ms -> lockNanos = TimeUnit.MILLISECONDS.toNanos(ms));
        deliveries.polled(now);
        Map<Lane, List<WorkItem>> fresh = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            WorkItem item = deliveries.received(record, now, this::wrap);
            if (item != null) {
                metrics.acquired(record.deliveryCount());
                fresh.computeIfAbsent(item.lane(), lane -> new ArrayList<>()).add(item);
            }
        }
        fresh.forEach(admission::add);
    }

    private WorkItem wrap(ConsumerRecord<byte[], byte[]> record) {
        Lane lane = lanes.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), Lane::new);
        WorkItem item = new WorkItem(record, lane, null, settled); // no per-key order in a share group
        item.decodeAhead();
        return item;
    }

    private void acknowledgeSettled(List<SettledRecords.Settled> batch) {
        for (SettledRecords.Settled done : batch) {
            deliveries.settled(done.item(), done.how());
        }
    }

    /** Renews the locks of running tasks when half is gone; releases tasks held past {@code maxHold}. */
    private void keepLocks(long now) {
        if (deliveries.held() == 0) {
            return;
        }
        List<WorkItem> overdue = deliveries.releaseHeldReceivedBefore(now - settings.maxHold().toNanos());
        if (!overdue.isEmpty()) {
            metrics.releasedOverdue(overdue.size());
            log.warn("released {} record(s) whose task has run for over {} s (JOBWIRE_READY_MAX_TASK_AGE), e.g. {}: the "
                    + "share group delivers them again", overdue.size(), settings.maxHold().toSeconds(), overdue.getFirst());
        }
        if (settings.group().renewAllowed() && deliveries.renewalDue(now, lockNanos / 2)) {
            int renewed = deliveries.renewHeld();
            log.debug("renewed the lock of {} running task(s)", renewed);
        }
    }

    private void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {
        consumer.acknowledge(record, type);
        metrics.acknowledged(type);
        unsent = true;
    }

    /** Sends acknowledgements made since the last poll now, rather than at the next poll (which may be far off). */
    private void sendAcknowledgements() {
        if (unsent) {
            unsent = false;
            consumer.commitAsync();
        }
    }

    /** The broker's answer to acknowledgements; runs on this thread, inside poll and commit calls. */
    private void onAcknowledged(Map<TopicIdPartition, Set<Long>> offsets, Exception error) {
        if (error == null) {
            return;
        }
        int lost = 0;
        int failed = 0;
        for (Map.Entry<TopicIdPartition, Set<Long>> partition : offsets.entrySet()) {
            TopicIdPartition tip = partition.getKey();
            for (long offset : partition.getValue()) {
                if (deliveries.acknowledgementFailed(tip.topic(), tip.partition(), offset)) {
                    lost++;
                    metrics.renewalLost();
                } else {
                    failed++;
                }
            }
        }
        metrics.acknowledgementsFailed(failed);
        log.warn("the broker refused {} acknowledgement(s) and {} lock renewal(s) ({}): those records may be delivered "
                + "again, to this or another worker", failed, lost, error.toString());
    }

    private void refreshStatus(long now) {
        if (now - lastOldestRefresh < OLDEST_REFRESH_NANOS) {
            return;
        }
        lastOldestRefresh = now;
        oldestReceivedNanos = deliveries.oldestReceivedNanos(NONE);
        locked = deliveries.size();
    }

    private int pendingWrites() {
        int pending = 0;
        for (Lane lane : lanes.values()) {
            pending += lane.writes().count();
        }
        return pending;
    }

    /**
     * Graceful stop: nothing new starts and buffered records are released at once; running tasks
     * and their writes get the grace period while the loop keeps acknowledging and renewing; then
     * the rest is cancelled (released), and whatever is still held is released before the
     * consumer closes.
     */
    private void shutDown() throws InterruptedException {
        admission.stopStarting();
        int buffered = 0;
        for (Lane lane : lanes.values()) {
            for (WorkItem item : admission.dropBuffered(lane)) {
                item.settle(Settlement.CANCELLED);
                buffered++;
            }
        }
        log.info("stopping: {} task(s) running, {} buffered released to the share group", admission.active(), buffered);
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        while ((admission.active() > 0 || pendingWrites() > 0) && System.nanoTime() < deadline) {
            turn(false);
        }
        int left = admission.active();
        int writes = pendingWrites();
        if (left > 0 || writes > 0) {
            log.warn("grace period of {} ms over: cancelling {} task(s) and {} write(s); they are released to the share group",
                    settings.shutdownGrace().toMillis(), left, writes);
        }
        for (Lane lane : lanes.values()) {
            threads.cancel(lane);
            lane.writes().interruptAll();
        }
        admission.awaitIdle(lanes.values(), Duration.ofSeconds(5));
        // Renewed records that settled meanwhile come back to be acknowledged; bounded.
        long renewalsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            turn(false);
        } while (deliveries.renewing() > 0 && System.nanoTime() < renewalsDeadline);
        int released = deliveries.releaseHeld();
        if (released > 0) {
            log.info("released {} record(s) still held (waiting for their due time, or unfinished)", released);
        }
        try {
            consumer.commitSync(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            log.warn("last acknowledgements not confirmed ({}); unacknowledged records are delivered again", e.toString());
        }
    }

    private void cancelEverything() {
        admission.stopStarting();
        lanes.values().forEach(threads::cancel);
    }

    /**
     * Asks the loop to stop; returns at once. The loop notices within one turn (a poll timeout or
     * the wait for a settlement).
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
        if (!polled) {
            return "not yet polling the share group";
        }
        return liveness.stallReason("the share poll loop has not turned");
    }

    @Override
    public boolean isPolling() {
        return liveness.isTurning();
    }

    @Override
    public double oldestUnfinishedAgeSeconds() {
        long since = oldestReceivedNanos;
        return since == NONE ? 0 : (System.nanoTime() - since) / 1e9;
    }

    /** Records this worker holds under its share-group lock now (as of the last turn). */
    public int lockedRecords() {
        return locked;
    }

    /** For tests and reports: records acquired, redelivered, accepted, released and renewed so far. */
    public Counts counts() {
        return new Counts(metrics.acquired(), metrics.redelivered(), metrics.accepted(), metrics.released(),
                metrics.renewed());
    }

    /** What the share source has done so far. */
    public record Counts(long acquired, long redelivered, long accepted, long released, long renewed) {
    }
}
