package dev.jobwire.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void readsTypedValuesWithDefaults() {
        Settings s = new Settings(Map.of("JOBWIRE_POOL_SIZE", "8", "JOBWIRE_TIMEOUT", "250ms",
                "JOBWIRE_GRACE", "PT30S", "JOBWIRE_ORDERED", "yes"));
        assertThat(s.integer("POOL_SIZE", 2, 1, 100)).isEqualTo(8);
        assertThat(s.integer("MISSING", 2, 1, 100)).isEqualTo(2);
        assertThat(s.duration("TIMEOUT", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(s.duration("GRACE", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.bool("ORDERED", false)).isTrue();
    }

    @Test
    void namesTheVariableWhenAValueIsBad() {
        Settings s = new Settings(Map.of("JOBWIRE_POOL_SIZE", "0", "JOBWIRE_TIMEOUT", "soon", "JOBWIRE_ORDERED", "maybe"));
        assertThatThrownBy(() -> s.integer("POOL_SIZE", 2, 1, 100))
                .hasMessage("JOBWIRE_POOL_SIZE='0' is invalid: expected a whole number from 1 to 100");
        assertThatThrownBy(() -> s.duration("TIMEOUT", Duration.ZERO)).hasMessageContaining("JOBWIRE_TIMEOUT='soon'");
        assertThatThrownBy(() -> s.bool("ORDERED", false)).hasMessageContaining("true or false");
    }

    @Test
    void passesKafkaClientSettingsThrough() {
        Settings s = new Settings(Map.of("JOBWIRE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "JOBWIRE_KAFKA_SASL_MECHANISM", "PLAIN", "JOBWIRE_POOL_SIZE", "3"));
        assertThat(s.kafkaClientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .hasSize(2);
    }
}
