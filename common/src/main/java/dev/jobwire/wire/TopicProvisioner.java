package dev.jobwire.wire;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.RetriableException;

/** Creates topics that do not exist yet; existing topics are left as they are. */
public final class TopicProvisioner {
    private TopicProvisioner() {
    }

    /**
     * @param partitionsByTopic topic name to partition count for topics to create
     * @param replicationFactor replicas per partition (1 on a single broker)
     * @param extraConfig       topic-level settings for every created topic (e.g. cleanup.policy)
     * @return the topics this call created
     */
    public static List<String> ensure(Admin admin, Map<String, Integer> partitionsByTopic, short replicationFactor,
            Map<String, String> extraConfig) throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> toCreate = new ArrayList<>();
        partitionsByTopic.forEach((topic, partitions) -> {
            if (!existing.contains(topic)) {
                toCreate.add(new NewTopic(topic, partitions, replicationFactor).configs(extraConfig));
            }
        });
        if (toCreate.isEmpty()) {
            return List.of();
        }
        try {
            admin.createTopics(toCreate).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // Another process created it between list and create: that is the outcome we wanted.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        List<String> created = toCreate.stream().map(NewTopic::name).toList();
        awaitLeaders(admin, created, Duration.ofSeconds(30));
        return created;
    }

    /**
     * Waits until the leader of every partition of these topics serves requests (answers a
     * ListOffsets). Creating a topic returns before that, and metadata may name a leader that is
     * not ready yet; an idempotent producer writing in that gap can be refused
     * (NOT_LEADER_OR_FOLLOWER) and then stuck on OUT_OF_ORDER_SEQUENCE_NUMBER until it times out.
     */
    public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
                boolean led = described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (led) {
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    described.values().forEach(d -> d.partitions().forEach(p ->
                            latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + topics + " have no leader after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
