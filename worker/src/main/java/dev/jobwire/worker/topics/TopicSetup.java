package dev.jobwire.worker.topics;

import dev.jobwire.wire.DelayTiers;
import dev.jobwire.wire.TopicNames;
import dev.jobwire.wire.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the worker's topics when asked to, and learns their layout either way. For each task
 * topic {@code T}: {@code T.dlt} and {@code T.delay} are created with {@code max.message.bytes}
 * {@link #HEADER_ROOM} above {@code T}'s own, so a dead letter or a retry (the original plus its
 * failure headers) always fits; {@code T.delay} has one partition per delay tier and broker
 * timestamps ({@link DelayTiers}). Topics that exist already are left as they are.
 *
 * <p>Not thread-safe; used once, by the thread that starts the worker.
 */
public final class TopicSetup {
    /** Room the worker's headers may add to a record: failure headers of a dead letter, a retry's history. */
    public static final int HEADER_ROOM = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
    private static final long CALL_SECONDS = 10;

    private final Admin admin;
    private final List<String> taskTopics;
    private final boolean create;
    private final int partitions;

    public TopicSetup(Admin admin, List<String> taskTopics, boolean create, int partitions) {
        this.admin = admin;
        this.taskTopics = List.copyOf(taskTopics);
        this.create = create;
        this.partitions = partitions;
    }

    /**
     * @throws ExecutionException   when the broker refuses a call (the caller retries while it waits for the broker)
     * @throws TimeoutException     when it does not answer in time
     */
    public TopicLayout run() throws InterruptedException, ExecutionException, TimeoutException {
        if (create) {
            Map<String, Integer> tasks = new LinkedHashMap<>();
            taskTopics.forEach(topic -> tasks.put(topic, partitions));
            created(TopicProvisioner.ensure(admin, tasks, (short) 1, Map.of()));
        }
        Map<String, Integer> taskLimits = maxMessageBytes(taskTopics);
        if (create) {
            for (String topic : taskTopics) {
                int room = taskLimits.getOrDefault(topic, 1_048_588) + HEADER_ROOM;
                created(TopicProvisioner.ensure(admin, Map.of(TopicNames.deadLetterTopicFor(topic), Math.max(1, Math.min(3, partitions))),
                        (short) 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(room))));
                DelayTiers tiers = new DelayTiers(DelayTiers.DEFAULT_TIERS);
                created(TopicProvisioner.ensure(admin, Map.of(TopicNames.delayTopicFor(topic), tiers.count()), (short) 1, Map.of(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(room),
                        TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime",
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(tiers.retention().toMillis()))));
            }
        }
        List<String> side = new ArrayList<>();
        for (String topic : taskTopics) {
            side.add(TopicNames.deadLetterTopicFor(topic));
            side.add(TopicNames.delayTopicFor(topic));
        }
        Map<String, Integer> sideLimits = maxMessageBytes(side);
        Map<String, Integer> delayPartitions = partitionCounts(taskTopics.stream().map(TopicNames::delayTopicFor).toList());
        Map<String, TopicLayout.Task> layout = new LinkedHashMap<>();
        for (String topic : taskTopics) {
            String delay = TopicNames.delayTopicFor(topic);
            Integer tiers = delayPartitions.get(delay);
            if (tiers == null) {
                log.warn("topic {} has no delay topic {}: its delayed tasks and long retries wait inside the worker", topic, delay);
            }
            layout.put(topic, new TopicLayout.Task(topic, taskLimits.getOrDefault(topic, 1_048_588),
                    tiers == null ? null : new DelayTiers(Math.min(tiers, 40)),
                    sideLimits.getOrDefault(TopicNames.deadLetterTopicFor(topic), 1_048_588),
                    sideLimits.getOrDefault(delay, 0)));
        }
        return new TopicLayout(layout);
    }

    private static void created(List<String> topics) {
        if (!topics.isEmpty()) {
            log.info("created topics {}", topics);
        }
    }

    /** {@code max.message.bytes} of each topic that exists (its own or the broker's default). */
    private Map<String, Integer> maxMessageBytes(List<String> topics) throws InterruptedException, ExecutionException,
            TimeoutException {
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<String, Integer> limits = new HashMap<>();
        var described = admin.describeConfigs(resources).values();
        for (ConfigResource resource : resources) {
            try {
                Config config = described.get(resource).get(CALL_SECONDS, TimeUnit.SECONDS);
                ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null) {
                    limits.put(resource.name(), Integer.parseInt(entry.value()));
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return limits;
    }

    private Map<String, Integer> partitionCounts(List<String> topics) throws InterruptedException, ExecutionException,
            TimeoutException {
        Map<String, Integer> counts = new HashMap<>();
        var described = admin.describeTopics(topics).topicNameValues();
        for (String topic : topics) {
            try {
                TopicDescription description = described.get(topic).get(CALL_SECONDS, TimeUnit.SECONDS);
                counts.put(topic, description.partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return counts;
    }

}
