package dev.jobwire.viewer.kafka;

import dev.jobwire.kafka.ProducerSettings;
import dev.jobwire.viewer.ViewerConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Client settings shared by the viewer's Kafka clients. Stateless. */
public final class KafkaClients {
    private KafkaClients() {
    }

    /** Base settings: bootstrap servers plus every {@code JOBWIRE_KAFKA_*} pass-through. */
    public static Map<String, Object> base(ViewerConfig config, String clientIdSuffix) {
        Map<String, Object> props = new HashMap<>();
        config.kafkaProperties().forEach((k, v) -> props.put(k.toString(), v));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "jobwire-viewer-" + config.instanceId() + "-" + clientIdSuffix);
        return props;
    }

    /** A consumer without a group: partitions are assigned by hand, nothing is committed. */
    public static Map<String, Object> consumer(ViewerConfig config, String clientIdSuffix) {
        Map<String, Object> props = base(config, clientIdSuffix);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    /** Idempotent, acks=all: a replayed record is written once and durably. */
    public static Map<String, Object> producer(ViewerConfig config, String clientIdSuffix) {
        Map<String, Object> props = ProducerSettings.idempotent(base(config, clientIdSuffix));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }
}
