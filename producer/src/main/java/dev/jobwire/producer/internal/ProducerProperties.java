package dev.jobwire.producer.internal;

import dev.jobwire.kafka.ProducerSettings;
import dev.jobwire.producer.PublisherConfig;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka producer properties for a {@link PublisherConfig}. */
public final class ProducerProperties {
    /** Kafka's default {@code linger.ms} (4.x). */
    private static final long DEFAULT_LINGER_MS = 5;
    /** Kafka's default {@code request.timeout.ms}. */
    private static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

    private ProducerProperties() {
    }

    public static Map<String, Object> of(PublisherConfig config) {
        Map<String, Object> props = ProducerSettings.idempotent(config.kafkaProperties());
        long deliveryMs = config.deliveryTimeout().toMillis();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(deliveryMs));
        // A publish never waits longer than its delivery timeout, metadata included.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(deliveryMs));
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        if (!props.containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)) {
            long linger = parseLong(props.get(ProducerConfig.LINGER_MS_CONFIG), DEFAULT_LINGER_MS);
            long requestTimeout = Math.max(1, Math.min(DEFAULT_REQUEST_TIMEOUT_MS, deliveryMs - linger));
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeout));
        }
        return props;
    }

    private static long parseLong(Object value, long defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return defaultValue; // the Kafka client will reject it with its own message
        }
    }
}
