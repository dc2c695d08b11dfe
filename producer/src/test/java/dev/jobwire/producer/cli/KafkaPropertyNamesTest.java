package dev.jobwire.producer.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaPropertyNamesTest {

    @Test
    void knownNamesAndPluginSettingsPass() {
        assertThatCode(() -> KafkaPropertyNames.requireKnown(List.of("linger.ms", "security.protocol",
                "ssl.truststore.location", "sasl.jaas.config", "compression.type", "config.providers.file.class")))
                .doesNotThrowAnyException();
    }

    @Test
    void unknownNamesFailWithTheClosestKnownOne() {
        assertThatThrownBy(() -> KafkaPropertyNames.requireKnown(List.of("batch.size", "bach.size")))
                .hasMessageStartingWith("unknown Kafka producer property 'bach.size' (-X): did you mean 'batch.size'?");
        assertThatThrownBy(() -> KafkaPropertyNames.requireKnown(List.of("group.id")))
                .hasMessageStartingWith("unknown Kafka producer property 'group.id' (-X).");
        assertThat(KafkaPropertyNames.distance("kitten", "sitting")).isEqualTo(3);
    }
}
