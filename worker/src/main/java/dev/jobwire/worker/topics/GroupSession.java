package dev.jobwire.worker.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a consumer group's session on the broker. With Kafka 4's consumer group protocol (KIP-848)
 * the session is the group's, not the client's: {@code consumer.session.timeout.ms} and
 * {@code consumer.heartbeat.interval.ms} are group configs, bounded by the broker's
 * {@code group.consumer.min/max.session.timeout.ms} (45 s at least on a broker left at its
 * defaults). A broker that refuses the values (outside its bounds, or no permission to alter the
 * group's configs) keeps its own; the worker says so and runs on.
 *
 * <p>Stateless.
 */
public final class GroupSession {
    private static final Logger log = LoggerFactory.getLogger(GroupSession.class);

    private GroupSession() {
    }

    /** Asks the broker for this session and heartbeat on {@code groups}; logs and returns false if it refuses. */
    public static boolean apply(Admin admin, List<String> groups, Duration session, Duration heartbeat)
            throws InterruptedException {
        boolean applied = true;
        for (String group : groups) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            List<AlterConfigOp> ops = List.of(
                    new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", Long.toString(session.toMillis())),
                            AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("consumer.heartbeat.interval.ms", Long.toString(heartbeat.toMillis())),
                            AlterConfigOp.OpType.SET));
            try {
                admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(15, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                applied = false;
                log.warn("could not set consumer group {}'s session to {} ms (heartbeat {} ms): {}; the broker's own apply "
                                + "(Kafka's default is 45 s: a crashed worker's partitions wait that long). Allow it with the "
                                + "broker's group.consumer.min.session.timeout.ms", group, session.toMillis(), heartbeat.toMillis(),
                        e.getCause() == null ? e.toString() : e.getCause().toString());
            }
        }
        return applied;
    }
}
