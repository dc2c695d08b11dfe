package dev.jobwire.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
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
