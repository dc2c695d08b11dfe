package dev.jobwire.producer.internal;

import dev.jobwire.wire.DelayTiers;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a delayed task is written, as docs/wire-format.md tells publishers in any language: with
 * less than {@link DelayTiers#SMALLEST} left, on its task topic (the worker holds it to the exact
 * instant); otherwise on the delay topic, in the partition of the largest tier not longer than
 * what is left ({@link DelayTiers#tierFor}), where the delay topic's partition count is the number
 * of tiers. The key and headers stay as they are. Pure: no Kafka calls, the clock passed in.
 * Stateless.
 *
 * <p>The topic is chosen when the task is published (so that its queue is the delay topic's), the
 * tier when it is sent, from what is left then: a task that waited in the publisher's queue never
 * lands in a tier longer than its remaining time.
 */
public final class DelayRouting {
    /** The worker reads at most this many tiers of a delay topic; the producer routes the same way. */
    static final int MAX_TIERS = 40;

    private DelayRouting() {
    }

    /** Whether a task that must not start before {@code notBefore} (null: at once) goes to the delay topic. */
    public static boolean waitsInDelayTopic(Instant notBefore, Instant now) {
        return notBefore != null && Duration.between(now, notBefore).compareTo(DelayTiers.SMALLEST) >= 0;
    }

    /**
     * The tier partition for a task due at {@code notBefore}, sent at {@code now} to a delay topic
     * with {@code delayPartitions} partitions; -1 when less than the smallest tier is left.
     */
    public static int tierPartition(Instant notBefore, Instant now, int delayPartitions) {
        return new DelayTiers(Math.min(delayPartitions, MAX_TIERS)).tierFor(Duration.between(now, notBefore));
    }

    /**
     * The record to send for {@code task}, which {@linkplain PreparedTask#waitsInDelayTopic waits in
     * the delay topic}: to its tier partition, or to the task topic when less than a tier is left.
     */
    public static ProducerRecord<byte[], byte[]> route(PreparedTask task, int delayPartitions, Instant now) {
        ProducerRecord<byte[], byte[]> record = task.record();
        int tier = tierPartition(task.notBefore(), now, delayPartitions);
        return tier < 0
                ? new ProducerRecord<>(task.taskTopic(), null, record.timestamp(), record.key(), record.value(), record.headers())
                : new ProducerRecord<>(record.topic(), tier, record.timestamp(), record.key(), record.value(), record.headers());
    }
}
