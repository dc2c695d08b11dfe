package dev.jobwire.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {

    @Test
    void aLatencyBeyondAWeekIsRecordedAsAWeekAndNeverThrows() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerMetrics metrics = new WorkerMetrics();
        metrics.bindTo(registry);
        // A created-at of 1000-01-01: its latency does not fit a long of nanoseconds (the caller saturates it).
        metrics.succeeded("old", 1, 1_000, Long.MAX_VALUE);
        metrics.succeeded("old", 1, 1_000, -5); // created "in the future": clocks disagree

        var latency = registry.get("jobwire.task.latency").tag("type", "old").timer();
        assertThat(latency.count()).isEqualTo(2);
        assertThat(latency.max(TimeUnit.DAYS)).isEqualTo(7);
        assertThat(registry.get("jobwire.tasks.succeeded").tag("type", "old").functionCounter().count()).isEqualTo(2);
    }

    @Test
    void closingRemovesEveryMeterItRegistered() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerMetrics metrics = new WorkerMetrics();
        metrics.bindTo(registry);
        metrics.gauge("jobwire.test.gauge", "a gauge", null, () -> 1);
        metrics.started("noop");
        assertThat(registry.getMeters()).isNotEmpty();
        metrics.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    /** A counter given as a method reference nobody else holds still counts after garbage collection. */
    @Test
    void aCounterOfAMethodReferenceSurvivesGarbageCollection() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerMetrics metrics = new WorkerMetrics();
        metrics.bindTo(registry);
        LongAdder adder = new LongAdder();
        adder.add(5);
        metrics.counter("jobwire.test.count", "a test counter", adder::sum, "k", "v");
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        FunctionCounter counter = registry.find("jobwire.test.count").tag("k", "v").functionCounter();
        assertThat(counter).isNotNull();
        assertThat(counter.count()).isEqualTo(5);
        metrics.close();
        assertThat(registry.find("jobwire.test.count").functionCounter()).isNull();
    }
}
