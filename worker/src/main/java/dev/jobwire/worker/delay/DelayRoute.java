package dev.jobwire.worker.delay;

import dev.jobwire.wire.DelayTiers;
import dev.jobwire.wire.TopicNames;
import java.time.Duration;

/**
 * Where a task that must wait {@code remaining} goes next: a tier partition of its task topic's
 * delay topic, or (less than the smallest tier left) its task topic, where the worker holds it to
 * the exact instant. Immutable.
 *
 * @param topic     the topic to write to
 * @param partition the tier partition, or null for the task topic (partitioned by key as usual)
 */
public record DelayRoute(String topic, Integer partition) {

    public static DelayRoute of(String taskTopic, DelayTiers tiers, Duration remaining) {
        int tier = tiers.tierFor(remaining);
        return tier < 0 ? new DelayRoute(taskTopic, null) : new DelayRoute(TopicNames.delayTopicFor(taskTopic), tier);
    }

    public boolean isTaskTopic() {
        return partition == null;
    }
}
