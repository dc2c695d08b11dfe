package dev.jobwire.producer.http;

import dev.jobwire.config.Settings;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.wire.TopicNames;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the HTTP endpoint, read from {@code JOBWIRE_*} environment variables by
 * {@link #fromSettings(Settings)}. Immutable.
 *
 * <table>
 *   <caption>Variables and defaults</caption>
 *   <tr><td>{@code JOBWIRE_BOOTSTRAP_SERVERS}</td><td>{@code 127.0.0.1:9092}</td></tr>
 *   <tr><td>{@code JOBWIRE_TOPIC}</td><td>{@code jobwire.tasks}: where tasks go unless they name an allowed topic</td></tr>
 *   <tr><td>{@code JOBWIRE_ALLOWED_TOPICS}</td><td>none: comma-separated extra topics a request may name</td></tr>
 *   <tr><td>{@code JOBWIRE_HTTP_HOST}</td><td>{@code 0.0.0.0} (all interfaces, as in a container)</td></tr>
 *   <tr><td>{@code JOBWIRE_HTTP_PORT}</td><td>{@code 8081}; 0 picks a free port</td></tr>
 *   <tr><td>{@code JOBWIRE_AUTH_TOKEN}</td><td>none: when set, every POST needs {@code Authorization: Bearer <token>}</td></tr>
 *   <tr><td>{@code JOBWIRE_MAX_BODY_BYTES}</td><td>1048576 (1 MiB)</td></tr>
 *   <tr><td>{@code JOBWIRE_MAX_BATCH_SIZE}</td><td>1000 tasks</td></tr>
 *   <tr><td>{@code JOBWIRE_PUBLISH_TIMEOUT}</td><td>10s: how long a request waits for the broker's acknowledgement</td></tr>
 *   <tr><td>{@code JOBWIRE_DELIVERY_TIMEOUT}</td><td>the publish timeout: the Kafka client's delivery and blocking bound</td></tr>
 *   <tr><td>{@code JOBWIRE_HTTP_READ_TIMEOUT}</td><td>10s: how long a request may take to arrive in full, headers and
 *       body, from its first byte; later it is answered 408 and the connection closed</td></tr>
 *   <tr><td>{@code JOBWIRE_HTTP_IDLE_TIMEOUT}</td><td>30s, or the publish timeout + 5s when that is longer: a connection
 *       on which no byte moves for this long is closed; must exceed the publish timeout + 1s</td></tr>
 *   <tr><td>{@code JOBWIRE_KAFKA_*}</td><td>Kafka client properties, e.g. {@code JOBWIRE_KAFKA_SECURITY_PROTOCOL=SSL}</td></tr>
 * </table>
 */
public record ServerConfig(String bootstrapServers, String topic, Set<String> allowedTopics, String host, int port,
        String authToken, int maxBodyBytes, int maxBatchSize, Duration publishTimeout, Duration deliveryTimeout,
        Duration readTimeout, Duration idleTimeout, Map<String, String> kafkaProperties) {

    public static final int DEFAULT_PORT = 8081;
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_BATCH_SIZE = 1000;
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** How much longer than the publish wait (timeout + 1 s) a connection must be allowed to stay quiet. */
    private static final Duration IDLE_MARGIN = Duration.ofSeconds(5);

    /** @throws IllegalArgumentException when a value is invalid */
    public ServerConfig {
        String problem = TaskRequest.topicProblem(topic);
        if (problem != null) {
            throw new IllegalArgumentException("JOBWIRE_TOPIC: " + problem);
        }
        Set<String> topics = new LinkedHashSet<>();
        topics.add(topic);
        for (String allowed : allowedTopics) {
            String allowedProblem = TaskRequest.topicProblem(allowed);
            if (allowedProblem != null) {
                throw new IllegalArgumentException("JOBWIRE_ALLOWED_TOPICS: " + allowedProblem);
            }
            topics.add(allowed);
        }
        allowedTopics = java.util.Collections.unmodifiableSet(topics);
        authToken = authToken == null || authToken.isBlank() ? null : authToken;
        if (publishTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("JOBWIRE_PUBLISH_TIMEOUT=" + publishTimeout + " is too short: at least 1s");
        }
        if (readTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("JOBWIRE_HTTP_READ_TIMEOUT=" + readTimeout + " is too short: at least 100ms");
        }
        // A request waits quietly for the broker for up to the publish timeout + 1 s; an idle timeout
        // shorter than that would cut it off before its answer.
        if (idleTimeout.compareTo(publishTimeout.plusSeconds(1)) <= 0) {
            throw new IllegalArgumentException("JOBWIRE_HTTP_IDLE_TIMEOUT=" + idleTimeout
                    + " must be longer than JOBWIRE_PUBLISH_TIMEOUT (" + publishTimeout + ") + 1s: a request waits that long "
                    + "for the broker's answer");
        }
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    public static ServerConfig fromSettings(Settings settings) {
        Duration publishTimeout = settings.duration("PUBLISH_TIMEOUT", DEFAULT_PUBLISH_TIMEOUT);
        Map<String, String> kafka = new LinkedHashMap<>();
        settings.kafkaClientProperties().forEach((k, v) -> kafka.put(k.toString(), v.toString()));
        String allowed = settings.string("ALLOWED_TOPICS", "");
        Duration idleDefault = publishTimeout.plus(IDLE_MARGIN).compareTo(DEFAULT_IDLE_TIMEOUT) > 0
                ? publishTimeout.plus(IDLE_MARGIN) : DEFAULT_IDLE_TIMEOUT;
        return new ServerConfig(
                settings.string("BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                settings.string("TOPIC", TopicNames.DEFAULT_TASK_TOPIC),
                Arrays.stream(allowed.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)),
                settings.string("HTTP_HOST", "0.0.0.0"),
                settings.integer("HTTP_PORT", DEFAULT_PORT, 0, 65535),
                settings.raw("AUTH_TOKEN"),
                settings.integer("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1, 64 * 1024 * 1024),
                settings.integer("MAX_BATCH_SIZE", DEFAULT_MAX_BATCH_SIZE, 1, 100_000),
                publishTimeout,
                settings.duration("DELIVERY_TIMEOUT", publishTimeout),
                settings.duration("HTTP_READ_TIMEOUT", DEFAULT_READ_TIMEOUT),
                settings.duration("HTTP_IDLE_TIMEOUT", idleDefault),
                kafka);
    }

    @Override
    public String toString() {
        return "ServerConfig[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", allowedTopics="
                + allowedTopics + ", host=" + host + ", port=" + port + ", authToken=" + (authToken == null ? "none" : "***")
                + ", maxBodyBytes=" + maxBodyBytes + ", maxBatchSize=" + maxBatchSize + ", publishTimeout="
                + publishTimeout + ", deliveryTimeout=" + deliveryTimeout + ", readTimeout=" + readTimeout + ", idleTimeout="
                + idleTimeout + ", kafkaProperties=" + kafkaProperties.keySet() + "]";
    }
}
