package dev.jobwire.worker.delay;

import dev.jobwire.wire.DelayTiers;
import dev.jobwire.wire.MalformedTaskException;
import dev.jobwire.wire.RetryRound;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.wire.TopicNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves delayed tasks through their delay topic's tiers ({@link DelayTiers}) and back onto their
 * task topic. A tier partition is in due order, so only its head matters: when the head's time in
 * its tier is not up yet, the partition is rewound to it and paused until then (the rest of the
 * fetched records are dropped, so memory holds nothing but heads); the loop keeps polling so this
 * member stays in its group. A head whose time is up is written to the tier that fits what is left
 * of its wait, or to its task topic once less than the smallest tier is left (the worker holds it
 * to the exact instant). Offsets are committed only for records whose move the broker
 * acknowledged, in order: a crash moves a record twice at worst, never loses one.
 *
 * <p>Thread-safety: {@link #run()} on its own thread, the only one touching the consumer;
 * producer callbacks mark moves acknowledged; {@link #requestStop()} and the getters from any thread.
 */
public final class TierMover implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TierMover.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RETRY_FAILED_MOVE = Duration.ofSeconds(1);
    private static final long COMMIT_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long LAG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Map<String, DelayTiers> tiersByDelayTopic;
    private final Map<TopicPartition, TierState> states = new HashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Map<Integer, Long> waitingByTier = new ConcurrentHashMap<>();
    private final AtomicLong movedToTier = new AtomicLong();
    private final AtomicLong movedToTask = new AtomicLong();
    private final LongConsumer moveLateness;
    private volatile boolean stopRequested;
    private volatile long lastPollNanos = System.nanoTime();
    private long lastCommitNanos;
    private long lastLagNanos;

    /** One tier partition this member owns: its tier, its moves on their way, and when it may resume. */
    private static final class TierState {
        final Duration tierDelay;
        final ArrayDeque<Move> moves = new ArrayDeque<>();
        long resumeAtMillis = -1;
        /** One past the last record whose move (and every move before it) was acknowledged. */
        long movedUpTo = -1;
        long committed = -1;

        TierState(Duration tierDelay) {
            this.tierDelay = tierDelay;
        }
    }

    /** A record being moved. Its status is written by the producer's callback, read by the poll thread. */
    private static final class Move {
        final ProducerRecord<byte[], byte[]> record;
        final long offset;
        volatile int status; // 0 on its way, 1 acknowledged, 2 failed
        long retryAtNanos;

        Move(ProducerRecord<byte[], byte[]> record, long offset) {
            this.record = record;
            this.offset = offset;
        }
    }

    /**
     * @param tiersByTaskTopic the tiers of each task topic's delay topic (task topics without one are not moved)
     */
    /**
     * @param moveLateness told, for every move, how long after its time in its tier was up the
     *                     record moved (milliseconds): the mover's lag
     */
    public TierMover(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer,
            Map<String, DelayTiers> tiersByTaskTopic, LongConsumer moveLateness) {
        this.consumer = consumer;
        this.producer = producer;
        this.moveLateness = moveLateness;
        Map<String, DelayTiers> byDelayTopic = new HashMap<>();
        tiersByTaskTopic.forEach((topic, tiers) -> byDelayTopic.put(TopicNames.delayTopicFor(topic), tiers));
        this.tiersByDelayTopic = Map.copyOf(byDelayTopic);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(tiersByDelayTopic.keySet(), new Rebalancing());
            log.info("moving delayed tasks through {}", tiersByDelayTopic.keySet());
            while (!stopRequested) {
                long now = System.currentTimeMillis();
                resumeDue(now);
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout(now));
                lastPollNanos = System.nanoTime();
                for (TopicPartition partition : records.partitions()) {
                    TierState state = states.get(partition);
                    if (state != null) {
                        take(partition, state, records.records(partition));
                    }
                }
                settleMoves();
                if (System.nanoTime() - lastCommitNanos > COMMIT_EVERY_NANOS) {
                    commit(false);
                }
                if (System.nanoTime() - lastLagNanos > LAG_EVERY_NANOS) {
                    measureWaiting();
                }
            }
            awaitMoves(Duration.ofSeconds(10));
            commit(true);
        } catch (RuntimeException | Error e) {
            log.error("delay mover failed; delayed tasks wait until a worker moves them (nothing is lost)", e);
            throw e;
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } finally {
                finished.countDown();
            }
        }
    }

    /** Until the earliest paused head is due, at most {@link #POLL}. */
    private Duration pollTimeout(long nowMillis) {
        long wait = POLL.toMillis();
        for (TierState state : states.values()) {
            if (state.resumeAtMillis >= 0) {
                wait = Math.min(wait, Math.max(0, state.resumeAtMillis - nowMillis));
            }
        }
        return Duration.ofMillis(Math.max(1, wait));
    }

    private void resumeDue(long nowMillis) {
        states.forEach((partition, state) -> {
            if (state.resumeAtMillis >= 0 && state.resumeAtMillis <= nowMillis) {
                state.resumeAtMillis = -1;
                consumer.resume(List.of(partition));
            }
        });
    }

    /** Moves the records whose time in this tier is up, and parks the partition at the first that is not. */
    private void take(TopicPartition partition, TierState state, List<ConsumerRecord<byte[], byte[]>> records) {
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            long movableAt = record.timestamp() + state.tierDelay.toMillis();
            if (movableAt > now) {
                // The head is not due: wait for it here, holding nothing but its position.
                consumer.seek(partition, record.offset());
                consumer.pause(List.of(partition));
                state.resumeAtMillis = movableAt;
                return;
            }
            moveLateness.accept(now - movableAt);
            Move move = new Move(next(partition.topic(), record), record.offset());
            state.moves.add(move);
            send(move);
        }
    }

    /** Where {@code record} goes now: the tier that fits what is left of its wait, or its task topic. */
    private ProducerRecord<byte[], byte[]> next(String delayTopic, ConsumerRecord<byte[], byte[]> record) {
        String taskTopic = delayTopic.substring(0, delayTopic.length() - TopicNames.DELAY_SUFFIX.length());
        Duration left = Duration.between(Instant.now(), dueOf(record));
        DelayRoute route = DelayRoute.of(taskTopic, tiersByDelayTopic.get(delayTopic), left);
        (route.isTaskTopic() ? movedToTask : movedToTier).incrementAndGet();
        return new ProducerRecord<>(route.topic(), route.partition(), null, record.key(), record.value(), record.headers());
    }

    /** When the task may start: the later of its own start time and its retry's; now when it has neither (or is unreadable). */
    static Instant dueOf(ConsumerRecord<byte[], byte[]> record) {
        Instant due = Instant.EPOCH;
        try {
            TaskMetadata metadata = TaskMetadata.readFrom(record.headers());
            if (metadata.notBefore() != null) {
                due = metadata.notBefore();
            }
            if (RetryRound.isPresent(record.headers())) {
                Instant retry = RetryRound.readFrom(record.headers()).notBefore();
                due = retry.isAfter(due) ? retry : due;
            }
        } catch (MalformedTaskException e) {
            // An unreadable record goes to its task topic now, where the worker dead-letters it with the reason.
        }
        return due;
    }

    private void send(Move move) {
        move.status = 0;
        producer.send(move.record, (metadata, error) -> {
            if (error != null) {
                log.warn("moving a delayed task to {} failed, retrying in {} s: {}", move.record.topic(),
                        RETRY_FAILED_MOVE.toSeconds(), error.toString());
            }
            move.status = error == null ? 1 : 2;
        });
    }

    /** Sends again the moves that failed, once their wait is over; acknowledged heads move the commit point. */
    private void settleMoves() {
        long now = System.nanoTime();
        for (TierState state : states.values()) {
            for (Move move : state.moves) {
                if (move.status == 2) {
                    if (move.retryAtNanos == 0) {
                        move.retryAtNanos = now + RETRY_FAILED_MOVE.toNanos();
                    } else if (now - move.retryAtNanos >= 0) {
                        move.retryAtNanos = 0;
                        send(move);
                    }
                }
            }
        }
    }

    private void commit(boolean sync) {
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        states.forEach((partition, state) -> {
            while (!state.moves.isEmpty() && state.moves.peek().status == 1) {
                state.movedUpTo = state.moves.poll().offset + 1;
            }
            if (state.movedUpTo > state.committed) {
                offsets.put(partition, new OffsetAndMetadata(state.movedUpTo));
                state.committed = state.movedUpTo;
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("delay mover's final commit failed; the moved records will be moved again (the worker runs each "
                        + "task no earlier than due): {}", e.toString());
            }
        } else {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.info("delay mover's offset commit failed, the next one retries: {}", error.toString());
                    committed.keySet().forEach(p -> {
                        TierState state = states.get(p);
                        if (state != null) {
                            state.committed = -1; // commit again
                        }
                    });
                }
            });
        }
    }

    private void awaitMoves(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && states.values().stream().anyMatch(s -> s.moves.stream().anyMatch(m -> m.status == 0))) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Records waiting in each tier this member owns, from the partitions' end offsets. */
    private void measureWaiting() {
        lastLagNanos = System.nanoTime();
        if (states.isEmpty()) {
            waitingByTier.clear();
            return;
        }
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(states.keySet(), Duration.ofSeconds(2));
            Map<Integer, Long> waiting = new HashMap<>();
            ends.forEach((partition, end) -> {
                long position = consumer.position(partition, Duration.ofSeconds(1));
                waiting.merge(partition.partition(), Math.max(0, end - position) + states.get(partition).moves.size(),
                        Long::sum);
            });
            waitingByTier.clear();
            waitingByTier.putAll(waiting);
        } catch (RuntimeException e) {
            log.debug("could not read the tiers' end offsets: {}", e.toString());
        }
    }

    /** Records waiting in tier {@code tier}, as of the last measurement (tiers owned by other workers count 0 here). */
    public long waiting(int tier) {
        return waitingByTier.getOrDefault(tier, 0L);
    }

    /** Records moved to a smaller tier, and to their task topic, since start. */
    public long movedToTier() {
        return movedToTier.get();
    }

    public long movedToTaskTopic() {
        return movedToTask.get();
    }

    public void requestStop() {
        stopRequested = true;
    }

    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why delayed tasks are not being moved, or null. */
    public String notReadyReason() {
        if (finished.getCount() == 0 && !stopRequested) {
            return "the delay mover stopped (see the log): delayed tasks wait until a worker moves them";
        }
        long sincePoll = System.nanoTime() - lastPollNanos;
        if (sincePoll > TimeUnit.SECONDS.toNanos(30)) {
            return "the delay mover has not polled for " + TimeUnit.NANOSECONDS.toSeconds(sincePoll) + " s";
        }
        return null;
    }

    /** Runs on the mover's thread, inside {@code poll()}. */
    private final class Rebalancing implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                states.put(partition, new TierState(DelayTiers.delayOf(partition.partition())));
            }
            if (!partitions.isEmpty()) {
                log.info("moving delayed tasks of {}", partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            awaitMoves(Duration.ofSeconds(10));
            commit(true);
            partitions.forEach(states::remove);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(states::remove);
        }
    }
}
