package dev.jobwire.worker.source.share;

import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.execution.TaskThreads;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a worker's share source: checks the broker and prepares the group
 * ({@link ShareGroupSetup}), then a {@link KafkaShareConsumer} in explicit acknowledgement mode
 * that acquires at most one record per I/O slot per poll.
 *
 * <p>Stateless.
 */
public final class ShareSources {
    private static final Logger log = LoggerFactory.getLogger(ShareSources.class);
    /** Consumer-group settings a share consumer refuses; {@code JOBWIRE_KAFKA_*} may set them for group mode. */
    private static final List<String> GROUP_ONLY = List.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
            ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);

    private ShareSources() {
    }

    /**
     * @param clientProperties the worker's Kafka client settings (bootstrap servers, {@code JOBWIRE_KAFKA_*})
     * @throws ShareGroupsUnavailableException when the broker has no share groups, naming what to enable
     */
    public static ShareSource build(WorkerConfig config, TaskThreads threads, Properties clientProperties) {
        ShareGroupSetup.Settings group;
        Properties adminProperties = new Properties();
        adminProperties.putAll(clientProperties);
        adminProperties.put(ConsumerConfig.CLIENT_ID_CONFIG, "jobwire-share-setup-" + config.instanceId());
        try (Admin admin = Admin.create(adminProperties)) {
            group = ShareGroupSetup.prepare(admin, config.groupId(), config.bootstrapServers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShareGroupsUnavailableException("interrupted while preparing share group '" + config.groupId() + "'", e);
        }
        KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(consumerProperties(config, clientProperties),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return new ShareSource(consumer, threads, new ShareSource.Settings(config.topics(), config.pollTimeout(),
                config.shutdownGrace(), config.readyMaxTaskAge(), group));
    }

    /** Records one poll acquires: one per I/O slot, so none waits under its lock for a slot. */
    static int maxPollRecords(WorkerConfig config) {
        return Math.max(1, Math.min(config.maxInFlight(), config.bufferCapacity()));
    }

    static Properties consumerProperties(WorkerConfig config, Properties clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        for (String groupOnly : GROUP_ONLY) {
            if (props.remove(groupOnly) != null) {
                log.warn("{} is ignored in share mode: a share group does not use it", groupOnly);
            }
        }
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "jobwire-" + config.instanceId());
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords(config)));
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(1024 * 1024));
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        return props;
    }
}
