package dev.jobwire.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobwire.producer.internal.ProducerProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublisherConfigTest {

    @Test
    void defaults() {
        PublisherConfig config = PublisherConfig.builder(" 127.0.0.1:9092 ").build();
        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.defaultTopic()).isEqualTo("jobwire.tasks");
        assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.kafkaProperties()).isEmpty();
    }

    @Test
    void producerIsAlwaysIdempotentWithAcksAllAndBoundedByTheDeliveryTimeout() {
        Map<String, Object> props = ProducerProperties.of(PublisherConfig.builder("k:9092")
                .deliveryTimeout(Duration.ofSeconds(3))
                .kafkaProperty("security.protocol", "SSL")
                .kafkaProperty("acks", "all")
                .build());
        assertThat(props).containsEntry("bootstrap.servers", "k:9092")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("delivery.timeout.ms", "3000")
                .containsEntry("max.block.ms", "3000")
                .containsEntry("request.timeout.ms", "2995")
                .containsEntry("security.protocol", "SSL");
        assertThat(ProducerProperties.of(PublisherConfig.builder("k:9092").build()))
                .containsEntry("request.timeout.ms", "29995"); // delivery.timeout.ms >= linger.ms + request.timeout.ms
        assertThat(ProducerProperties.of(PublisherConfig.builder("k:9092").kafkaProperty("request.timeout.ms", "1000").build()))
                .containsEntry("request.timeout.ms", "1000");
    }

    @Test
    void propertiesThatContradictJobwireAreRejected() {
        assertThatThrownBy(() -> PublisherConfig.builder("k:9092").kafkaProperty("enable.idempotence", "false").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Kafka property enable.idempotence=false is not allowed: Jobwire always uses an idempotent producer");
        assertThatThrownBy(() -> PublisherConfig.builder("k:9092").kafkaProperty("acks", "1").build())
                .hasMessage("Kafka property acks=1 is not allowed: Jobwire always uses acks=all");
        assertThatThrownBy(() -> PublisherConfig.builder("k:9092").kafkaProperty("max.block.ms", "1").build())
                .hasMessage("Kafka property 'max.block.ms' cannot be passed through: set the delivery timeout instead");
        assertThatThrownBy(() -> PublisherConfig.builder("k:9092").kafkaProperty("bootstrap.servers", "x:1").build())
                .hasMessageContaining("give the bootstrap servers directly");
        assertThatThrownBy(() -> PublisherConfig.builder("k:9092").kafkaProperty("transactional.id", "x").build())
                .hasMessageContaining("transactions are not supported");
    }

    @Test
    void requiredValuesAndRanges() {
        assertThatThrownBy(() -> PublisherConfig.builder(" ").build()).hasMessageContaining("bootstrap servers are required");
        assertThatThrownBy(() -> PublisherConfig.builder("k:1").deliveryTimeout(Duration.ofMillis(999)).build())
                .hasMessageContaining("at least 1s");
        assertThatThrownBy(() -> PublisherConfig.builder("k:1").defaultTopic("no spaces").build())
                .hasMessageStartingWith("default topic: topic 'no spaces' is not a legal Kafka topic name");
    }

    @Test
    void kafkaClientRejectionsBecomeIllegalArgument() {
        PublisherConfig config = PublisherConfig.builder("k:9092").kafkaProperty("compression.type", "bogus").build();
        assertThatThrownBy(() -> TaskPublisher.create(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid Kafka producer configuration: ")
                .hasMessageContaining("compression.type");
    }
}
