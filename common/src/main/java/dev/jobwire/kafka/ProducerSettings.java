package dev.jobwire.kafka;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings every Jobwire producer shares: idempotent writes acknowledged by all in-sync
 * replicas (no duplicate on a retried send, no write lost to a leader change), and a bounded wait
 * when metadata or buffer space is missing, so a send against an absent broker or topic fails in
 * seconds instead of blocking for Kafka's default minute.
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
    public static Properties idempotent(Properties base, String clientId) {
        Properties props = new Properties();
        props.putAll(base);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK_MS);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}
