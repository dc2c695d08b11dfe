package dev.jobwire.load;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * What the broker says about a consumer group and its topic, read with an {@link Admin} client:
 * end offsets, what is still uncommitted, which member owns which partitions, and the broker's and
 * the group's session settings. Works for groups of either protocol (classic and consumer).
 *
 * <p>Stateless; each call waits at most {@link #CALL_SECONDS} for its answer.
 */
final class GroupState {
    private static final long CALL_SECONDS = 30;

    private GroupState() {
    }

    /** Every partition of {@code topic} with its end offset (the next offset to be written). */
    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(CALL_SECONDS, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(CALL_SECONDS, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Records of {@code ends} the group has not committed yet: 0 when everything up to the end offsets is committed. */
    static long uncommitted(Admin admin, String group, Map<TopicPartition, Long> ends)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(CALL_SECONDS, TimeUnit.SECONDS);
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            behind += Math.max(0, end.getValue() - (done == null ? 0 : done.offset()));
        }
        return behind;
    }

    /** The partitions of {@code topic} each member of {@code group} owns now, by the member's client id. */
    static Map<String, Set<Integer>> partitionsByClient(Admin admin, String group, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                .get(CALL_SECONDS, TimeUnit.SECONDS);
        Map<String, Set<Integer>> owned = new TreeMap<>();
        for (MemberDescription member : description.members()) {
            Set<Integer> partitions = owned.computeIfAbsent(member.clientId(), c -> new TreeSet<>());
            member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                    .forEach(tp -> partitions.add(tp.partition()));
        }
        return owned;
    }

    /** The values of {@code names} in the broker's configuration (its first node), null for names it does not know. */
    static Map<String, String> brokerConfig(Admin admin, String... names)
            throws InterruptedException, ExecutionException, TimeoutException {
        String node = admin.describeCluster().nodes().get(CALL_SECONDS, TimeUnit.SECONDS).iterator().next().idString();
        return values(admin, new ConfigResource(ConfigResource.Type.BROKER, node), names);
    }

    /** The values of {@code names} in {@code group}'s own configuration (group configs, KIP-848), or the broker's defaults. */
    static Map<String, String> groupConfig(Admin admin, String group, String... names)
            throws InterruptedException, ExecutionException, TimeoutException {
        return values(admin, new ConfigResource(ConfigResource.Type.GROUP, group), names);
    }

    private static Map<String, String> values(Admin admin, ConfigResource resource, String... names)
            throws InterruptedException, ExecutionException, TimeoutException {
        Config config = admin.describeConfigs(List.of(resource)).values().get(resource).get(CALL_SECONDS, TimeUnit.SECONDS);
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            ConfigEntry entry = config.get(name);
            values.put(name, entry == null ? null : entry.value());
        }
        return values;
    }
}
