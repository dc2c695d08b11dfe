package dev.jobwire.producer.http;

import dev.jobwire.wire.TaskTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The endpoint's own meters:
 * <ul>
 *   <li>{@code jobwire.producer.tasks} (counter; tags {@code type}, {@code outcome} =
 *       {@code published}, {@code failed}, {@code rejected}) - tasks received over HTTP;</li>
 *   <li>{@code jobwire.producer.requests.rejected} (counter; tag {@code reason}) - requests answered
 *       4xx before anything was published;</li>
 *   <li>{@code jobwire.producer.publish.latency} (timer; tag {@code outcome}) - from handing tasks to
 *       the publisher until the broker's answer.</li>
 * </ul>
 * At most {@value #MAX_TYPE_TAGS} distinct type tags are kept; later types count as {@code other},
 * invalid ones as {@code invalid}, so clients cannot grow the registry without bound. Thread-safe.
 */
final class ProducerMetrics {
    static final int MAX_TYPE_TAGS = 200;

    private final MeterRegistry registry;
    private final Set<String> typeTags = ConcurrentHashMap.newKeySet();

    ProducerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void published(String type, Duration latency) {
        tasks(type, "published").increment();
        latency("published").record(latency);
    }

    void failed(String type, String failure, Duration latency) {
        tasks(type, "failed").increment();
        latency(failure).record(latency);
    }

    void rejected(String reason, Iterable<String> types, int tasksWithoutType) {
        Counter.builder("jobwire.producer.requests.rejected").description("HTTP requests rejected before publishing")
                .tag("reason", reason).register(registry).increment();
        types.forEach(type -> tasks(type, "rejected").increment());
        if (tasksWithoutType > 0) {
            tasks(null, "rejected").increment(tasksWithoutType);
        }
    }

    private Counter tasks(String type, String outcome) {
        return Counter.builder("jobwire.producer.tasks").description("Tasks received over HTTP, by type and outcome")
                .tag("type", typeTag(type)).tag("outcome", outcome).register(registry);
    }

    private Timer latency(String outcome) {
        return Timer.builder("jobwire.producer.publish.latency")
                .description("Time from handing tasks to the publisher until the broker answered")
                .tag("outcome", outcome).publishPercentileHistogram().register(registry);
    }

    private String typeTag(String type) {
        if (type == null || TaskTypes.problem(type) != null) {
            return "invalid";
        }
        if (typeTags.contains(type)) {
            return type;
        }
        if (typeTags.size() < MAX_TYPE_TAGS) {
            typeTags.add(type);
            return type;
        }
        return "other";
    }
}
