package dev.jobwire.wire;

import java.time.Duration;

/**
 * Where a delayed task waits. The delay topic of a task topic ({@link TopicNames#delayTopicFor})
 * has one partition per tier: partition {@code i} holds each record for 2<sup>i</sup> seconds from
 * when the broker appended it (the topic uses {@code LogAppendTime}), so every partition is in
 * due order and its head is the next record to move. A record that must wait {@code r} goes to the
 * largest tier not longer than {@code r}; when its tier's time is up it moves to the largest tier
 * that fits what is left, or to the task topic once less than the smallest tier is left, where the
 * worker holds it to the exact instant. So any delay takes at most one hop per tier (plus one per
 * whole top-tier period), and nothing waits in memory but one record per tier partition.
 *
 * <p>The number of tiers is the delay topic's partition count. Immutable.
 */
public final class DelayTiers {
    /** 1 s, 2 s, 4 s ... 2<sup>21</sup> s (24 days): the partitions of a delay topic the worker creates. */
    public static final int DEFAULT_TIERS = 22;
    /** The shortest tier; a task due sooner goes straight to its task topic. */
    public static final Duration SMALLEST = Duration.ofSeconds(1);

    private final int tiers;

    public DelayTiers(int tiers) {
        if (tiers < 1 || tiers > 40) {
            throw new IllegalArgumentException("a delay topic needs 1 to 40 tier partitions, got " + tiers);
        }
        this.tiers = tiers;
    }

    public int count() {
        return tiers;
    }

    /** How long tier {@code tier} holds a record. */
    public static Duration delayOf(int tier) {
        return Duration.ofSeconds(1L << tier);
    }

    /** The longest tier. */
    public Duration longest() {
        return delayOf(tiers - 1);
    }

    /**
     * The tier for a task that must still wait {@code remaining}: the largest tier not longer;
     * -1 when it is shorter than the smallest tier (it belongs on its task topic now).
     */
    public int tierFor(Duration remaining) {
        if (remaining.compareTo(SMALLEST) < 0) {
            return -1;
        }
        long seconds = remaining.getSeconds();
        int tier = 63 - Long.numberOfLeadingZeros(seconds); // floor(log2(seconds))
        return Math.min(tier, tiers - 1);
    }

    /** How long the delay topic must keep records: the longest tier twice over, so a stalled mover loses none. */
    public Duration retention() {
        return longest().multipliedBy(2);
    }
}
