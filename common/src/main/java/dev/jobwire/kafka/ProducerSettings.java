package dev.jobwire.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings every Jobwire producer shares (the task publisher, the worker's writes, the
 * viewer's replays): idempotent writes acknowledged by all in-sync replicas (no duplicate on a
 * retried send, no write lost to a leader change), and a bounded wait when metadata or buffer
 * space is missing, so a send against an absent broker or topic fails in seconds instead of
 * blocking for Kafka's default minute.
 */
public final class ProducerSettings {
    /** How long {@code send} may block for metadata or buffer space, unless configured otherwise. */
    public static final String DEFAULT_MAX_BLOCK_MS = "5000";

    private ProducerSettings() {
    }

    /**
     * A copy of {@code base} (bootstrap servers, security, any {@code JOBWIRE_KAFKA_*} setting) with
     * idempotence and {@code acks=all} forced, and {@code max.block.ms} bounded unless set.
     */
    public static Map<String, Object> idempotent(Map<?, ?> base) {
        Map<String, Object> props = new HashMap<>();
        base.forEach((key, value) -> props.put(key.toString(), value));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK_MS);
        return props;
    }
}
