package dev.jobwire.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

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
        return toCreate.stream().map(NewTopic::name).toList();
    }
}
