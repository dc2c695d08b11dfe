package dev.jobwire.worker.topics;

import dev.jobwire.wire.DelayTiers;
import java.util.Map;

/**
 * What the worker learned about its topics at start-up: each task topic's size limit, and the
 * tiers of its delay topic. Immutable.
 */
public record TopicLayout(Map<String, Task> byTaskTopic) {

    /**
     * @param maxMessageBytes           the task topic's {@code max.message.bytes}
     * @param tiers                     its delay topic's tiers; null when it has no delay topic
     * @param deadLetterMaxMessageBytes its dead-letter topic's {@code max.message.bytes}
     * @param delayMaxMessageBytes      its delay topic's, 0 without one
     */
    public record Task(String topic, int maxMessageBytes, DelayTiers tiers, int deadLetterMaxMessageBytes,
            int delayMaxMessageBytes) {
    }

    public TopicLayout {
        byTaskTopic = Map.copyOf(byTaskTopic);
    }

    /** The layout of task topic {@code topic}, or null if it is not one of the worker's. */
    public Task of(String topic) {
        return byTaskTopic.get(topic);
    }

    /** The largest record the worker may have to write (dead letters, delayed tasks, moves between tiers). */
    public int largestWrite() {
        int largest = 0;
        for (Task task : byTaskTopic.values()) {
            largest = Math.max(largest, Math.max(task.maxMessageBytes(),
                    Math.max(task.deadLetterMaxMessageBytes(), task.delayMaxMessageBytes())));
        }
        return largest;
    }
}
