package dev.jobwire.worker.backpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackpressurePolicyTest {
    private final BackpressurePolicy policy = new BackpressurePolicy(new Watermarks(10, 4), new Watermarks(100, 50));

    @Test
    void pausesAPartitionAtItsHighWatermarkOnly() {
        var decision = policy.decide(Map.of("p0", 10, "p1", 9), 19, Set.of());
        assertThat(decision.pause()).containsExactly("p0");
        assertThat(decision.resume()).isEmpty();
    }

    @Test
    void resumesOnlyAtTheLowWatermark() {
        assertThat(policy.decide(Map.of("p0", 5), 5, Set.of("p0")).isEmpty()).isTrue();
        assertThat(policy.decide(Map.of("p0", 4), 4, Set.of("p0")).resume()).containsExactly("p0");
    }

    @Test
    void aFullBufferPausesEveryPartition() {
        var decision = policy.decide(Map.of("p0", 1, "p1", 0, "p2", 3), 100, Set.of());
        assertThat(decision.pause()).containsExactlyInAnyOrder("p0", "p1", "p2");
    }

    @Test
    void nothingResumesUntilTheTotalDrainsToItsLowWatermark() {
        Set<String> paused = Set.of("p0", "p1");
        assertThat(policy.decide(Map.of("p0", 0, "p1", 0), 51, paused).resume()).isEmpty();
        assertThat(policy.decide(Map.of("p0", 0, "p1", 0), 50, paused).resume()).containsExactlyInAnyOrder("p0", "p1");
    }

    @Test
    void staysQuietBetweenWatermarks() {
        var decision = policy.decide(Map.of("p0", 7, "p1", 7), 60, Set.of("p0"));
        assertThat(decision.isEmpty()).isTrue();
    }

    @Test
    void watermarksMustBeOrdered() {
        assertThatThrownBy(() -> new Watermarks(5, 5)).hasMessageContaining("0 <= low < high");
        assertThat(Watermarks.withHigh(10)).isEqualTo(new Watermarks(10, 5));
    }
}
