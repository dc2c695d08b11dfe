package dev.jobwire.producer;

import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.DelayTiers;
import dev.jobwire.wire.TopicNames;
import java.util.Map;

/** Creates delay topics in tests as workers do: one partition per tier, broker timestamps. */
public final class DelayTopics {
    private DelayTopics() {
    }

    /** Creates the delay topic of {@code taskTopic} and returns its name. */
    public static String create(TestKafka kafka, String taskTopic) {
        String delayTopic = TopicNames.delayTopicFor(taskTopic);
        kafka.createTopic(delayTopic, DelayTiers.DEFAULT_TIERS, Map.of("message.timestamp.type", "LogAppendTime"));
        return delayTopic;
    }
}
