package dev.jobwire.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobwire.config.Settings;
import dev.jobwire.worker.execution.PolicyRegistry;
import dev.jobwire.worker.admission.OrderingMode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void defaults() {
        WorkerConfig config = WorkerConfig.from(new Settings(Map.of()));
        assertThat(config.topics()).containsExactly("jobwire.tasks");
        assertThat(config.cpuThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(config.ordering()).isEqualTo(OrderingMode.UNORDERED);
        assertThat(config.defaultPolicy()).isEqualTo(TaskTypePolicy.DEFAULTS);
        assertThat(config.maxPollRecords()).isEqualTo(250);
    }

    @Test
    void readsEnvironmentAndPerTypeOverrides() {
        WorkerConfig config = WorkerConfig.from(new Settings(Map.of(
                "JOBWIRE_TOPICS", "a, b",
                "JOBWIRE_MAX_IN_FLIGHT", "500",
                "JOBWIRE_ORDERING", "key",
                "JOBWIRE_MAX_ATTEMPTS", "5",
                "JOBWIRE_TYPE_POLICIES", "http.call:max-attempts=2,attempt-timeout=200ms;fail.always:breaker-failure-rate=0",
                "JOBWIRE_KAFKA_SECURITY_PROTOCOL", "SSL")));
        assertThat(config.topics()).containsExactly("a", "b");
        assertThat(config.maxInFlight()).isEqualTo(500);
        assertThat(config.ordering()).isEqualTo(OrderingMode.KEY);
        assertThat(config.defaultPolicy().maxAttempts()).isEqualTo(5);
        TaskTypePolicy http = config.typePolicies().get("http.call");
        assertThat(http.maxAttempts()).isEqualTo(2);
        assertThat(http.attemptTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(http.backoffInitial()).isEqualTo(config.defaultPolicy().backoffInitial());
        assertThat(config.typePolicies().get("fail.always").breakerEnabled()).isFalse();
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void invalidSettingsNameTheCulprit() {
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_ORDERING", "random"))))
                .hasMessageContaining("JOBWIRE_ORDERING='random' is invalid");
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_TYPE_POLICIES", "http.call:retries=2"))))
                .hasMessageContaining("unknown setting 'retries'");
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_TYPE_POLICIES", "x:max-attempts=0"))))
                .hasMessageContaining("max-attempts must be at least 1");
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_MAX_IN_FLIGHT", "lots"))))
                .hasMessageContaining("JOBWIRE_MAX_IN_FLIGHT='lots'");
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_GROUP_PROTOCOL", "eager"))))
                .hasMessageContaining("JOBWIRE_GROUP_PROTOCOL='eager' is invalid");
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_CONSUMER_MODE", "queue"))))
                .hasMessageContaining("JOBWIRE_CONSUMER_MODE='queue' is invalid");
    }

    @Test
    void consumerModeDefaultsToGroupAndShareRefusesPerKeyOrdering() {
        assertThat(WorkerConfig.from(new Settings(Map.of())).consumerMode()).isEqualTo(ConsumerMode.GROUP);
        assertThat(WorkerConfig.from(new Settings(Map.of("JOBWIRE_CONSUMER_MODE", "SHARE"))).consumerMode())
                .isEqualTo(ConsumerMode.SHARE);
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_CONSUMER_MODE", "share",
                "JOBWIRE_ORDERING", "key"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JOBWIRE_ORDERING=key").hasMessageContaining("JOBWIRE_CONSUMER_MODE=share");
        assertThat(WorkerConfig.from(new Settings(Map.of("JOBWIRE_CONSUMER_MODE", "group", "JOBWIRE_ORDERING", "key")))
                .ordering()).isEqualTo(OrderingMode.KEY);
    }

    /** Settings Failsafe would refuse only when it builds the policies: refused at start-up, naming the variable. */
    @Test
    void settingsFailsafeWouldRefuseAreRefusedUpFrontNamingTheVariable() {
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_BREAKER_PERIOD", "5ms"))))
                .hasMessageStartingWith("JOBWIRE_BREAKER_PERIOD is invalid: breaker-period must be at least 10ms");
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_BACKOFF_INITIAL", "2s", "JOBWIRE_BACKOFF_MAX", "1s"))))
                .hasMessageStartingWith("JOBWIRE_BACKOFF_MAX is invalid");
        assertThatThrownBy(() -> WorkerConfig.from(new Settings(Map.of("JOBWIRE_TYPE_POLICIES", "http.call:breaker-period=1ms"))))
                .hasMessageContaining("breaker-period must be at least 10ms");
        // Equal initial and maximum backoff is a fixed delay, not an error (Failsafe's backoff refuses it).
        WorkerConfig fixed = WorkerConfig.from(new Settings(Map.of("JOBWIRE_BACKOFF_INITIAL", "1s", "JOBWIRE_BACKOFF_MAX", "1s")));
        new PolicyRegistry(fixed.defaultPolicy(), fixed.typePolicies(), java.util.Set.of("noop"));
    }
}
