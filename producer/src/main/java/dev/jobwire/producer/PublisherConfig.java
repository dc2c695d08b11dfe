package dev.jobwire.producer;

import dev.jobwire.wire.TopicNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link TaskPublisher} connects and how long it may take. Immutable; build with
 * {@link #builder(String)}.
 *
 * <p>Defaults: topic {@value TopicNames#DEFAULT_TASK_TOPIC}; delivery timeout 30 s; no extra Kafka
 * properties.
 *
 * <p>The delivery timeout bounds every publish: it is the Kafka client's {@code delivery.timeout.ms}
 * (time from handing a record to the client until the broker acknowledges it) and its
 * {@code max.block.ms} (time the client may wait for topic metadata or buffer space). It also
 * lowers {@code request.timeout.ms} to fit inside it unless that property is given.
 *
 * <p>Kafka client properties pass through unchanged, e.g. {@code security.protocol=SSL},
 * {@code ssl.truststore.location}, {@code sasl.mechanism}, {@code sasl.jaas.config},
 * {@code linger.ms}, {@code compression.type}, {@code client.id}. Jobwire always runs an
 * idempotent producer with {@code acks=all}; those two cannot be turned off. Properties that would
 * contradict this config are rejected: {@code bootstrap.servers}, {@code key.serializer},
 * {@code value.serializer}, {@code delivery.timeout.ms}, {@code max.block.ms},
 * {@code transactional.id}, {@code enable.idempotence} other than {@code true} and {@code acks}
 * other than {@code all}/{@code -1}.
 *
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port...]}
 * @param defaultTopic     topic for requests that do not name one
 * @param deliveryTimeout  upper bound for one publish, at least 1 s
 * @param kafkaProperties  extra Kafka producer properties
 */
public record PublisherConfig(
        String bootstrapServers, String defaultTopic, Duration deliveryTimeout, Map<String, String> kafkaProperties) {

    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MIN_DELIVERY_TIMEOUT = Duration.ofSeconds(1);

    private static final Set<String> OWNED = Set.of("bootstrap.servers", "key.serializer", "value.serializer",
            "delivery.timeout.ms", "max.block.ms", "transactional.id");

    /**
     * @throws IllegalArgumentException when a value is missing or invalid, or a Kafka property
     *                                  contradicts what Jobwire requires (the message says which)
     */
    public PublisherConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are required, e.g. 127.0.0.1:9092");
        }
        bootstrapServers = bootstrapServers.trim();
        defaultTopic = defaultTopic == null ? TopicNames.DEFAULT_TASK_TOPIC : defaultTopic;
        String topicProblem = TaskRequest.topicProblem(defaultTopic);
        if (topicProblem != null) {
            throw new IllegalArgumentException("default topic: " + topicProblem);
        }
        deliveryTimeout = deliveryTimeout == null ? DEFAULT_DELIVERY_TIMEOUT : deliveryTimeout;
        if (deliveryTimeout.compareTo(MIN_DELIVERY_TIMEOUT) < 0 || deliveryTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("delivery timeout " + deliveryTimeout + " is out of range: at least 1s");
        }
        kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
        kafkaProperties.forEach(PublisherConfig::checkKafkaProperty);
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    private static void checkKafkaProperty(String name, String value) {
        Objects.requireNonNull(value, () -> "value of Kafka property '" + name + "'");
        if (OWNED.contains(name)) {
            throw new IllegalArgumentException("Kafka property '" + name + "' cannot be passed through: "
                    + switch (name) {
                        case "bootstrap.servers" -> "give the bootstrap servers directly";
                        case "delivery.timeout.ms", "max.block.ms" -> "set the delivery timeout instead";
                        case "transactional.id" -> "transactions are not supported";
                        default -> "Jobwire publishes raw bytes with its own serializers";
                    });
        }
        if (name.equals("enable.idempotence") && !value.trim().equalsIgnoreCase("true")) {
            throw new IllegalArgumentException("Kafka property enable.idempotence=" + value
                    + " is not allowed: Jobwire always uses an idempotent producer");
        }
        if (name.equals("acks") && !(value.trim().equalsIgnoreCase("all") || value.trim().equals("-1"))) {
            throw new IllegalArgumentException("Kafka property acks=" + value
                    + " is not allowed: Jobwire always uses acks=all");
        }
    }

    /** Collects settings for a {@link PublisherConfig}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private final String bootstrapServers;
        private String defaultTopic = TopicNames.DEFAULT_TASK_TOPIC;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private final Map<String, String> kafkaProperties = new LinkedHashMap<>();

        private Builder(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public Builder defaultTopic(String topic) {
            this.defaultTopic = topic;
            return this;
        }

        public Builder deliveryTimeout(Duration timeout) {
            this.deliveryTimeout = timeout;
            return this;
        }

        public Builder kafkaProperty(String name, String value) {
            kafkaProperties.put(name, value);
            return this;
        }

        public Builder kafkaProperties(Map<String, String> properties) {
            kafkaProperties.putAll(properties);
            return this;
        }

        /** @throws IllegalArgumentException see {@link PublisherConfig} */
        public PublisherConfig build() {
            return new PublisherConfig(bootstrapServers, defaultTopic, deliveryTimeout, kafkaProperties);
        }
    }
}
