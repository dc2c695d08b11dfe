package dev.jobwire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealKafkaExtension.class)
class RealKafkaExtensionIT {

    @Test
    void brokerRoundTripsRecords(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("roundtrip", 3);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        var records = kafka.read(topic, 100, Duration.ofSeconds(30));
        assertThat(records).hasSize(100);
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).contains("v0", "v99");
    }

    @Test
    void eachCallGetsAFreshTopic(TestKafka kafka) {
        assertThat(kafka.createTopic("same", 1)).isNotEqualTo(kafka.createTopic("same", 1));
        assertThat(kafka.uniqueGroupId("g")).isNotEqualTo(kafka.uniqueGroupId("g"));
    }
}
