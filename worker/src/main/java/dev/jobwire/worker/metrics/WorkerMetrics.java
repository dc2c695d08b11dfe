package dev.jobwire.worker.metrics;

import dev.jobwire.wire.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Every meter the worker publishes, in one place. Names are dotted (Prometheus shows
 * {@code jobwire_tasks_succeeded_total}); the {@code type} tag is the task type, or
 * {@code unknown} for records whose type is missing or has no handler (bad input must not
 * create unbounded tag values).
 *
 * <p>Thread-safe: Micrometer meters are.
 */
public final class WorkerMetrics {
    public static final String UNKNOWN_TYPE = "unknown";

    private final MeterRegistry registry;
    private final Counter deadLetterWriteFailures;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.deadLetterWriteFailures = Counter.builder("jobwire.dead_letters.write_failures")
                .description("Dead-letter writes the broker did not acknowledge (each is retried)")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Gauges read from the dispatcher and poll loop when scraped. */
    public void bindGauges(Supplier<Number> inFlight, Supplier<Number> active, Supplier<Number> buffered,
            Supplier<Number> paused, Supplier<Number> assigned, int maxInFlight) {
        Gauge.builder("jobwire.tasks.in_flight", inFlight).description("Tasks holding an I/O slot (not in a CPU step)")
                .register(registry);
        Gauge.builder("jobwire.tasks.active", active).description("Tasks started and not finished, CPU steps included")
                .register(registry);
        Gauge.builder("jobwire.tasks.in_flight.max", () -> maxInFlight).description("The in-flight cap").register(registry);
        Gauge.builder("jobwire.buffer.records", buffered).description("Records received and not started").register(registry);
        Gauge.builder("jobwire.partitions.paused", paused).description("Partitions paused for backpressure").register(registry);
        Gauge.builder("jobwire.partitions.assigned", assigned).description("Partitions assigned to this worker").register(registry);
    }

    public void started(String type) {
        counter("jobwire.tasks.started", "Tasks whose first attempt started", type).increment();
    }

    public void succeeded(String type, Duration duration, Duration endToEnd) {
        counter("jobwire.tasks.succeeded", "Tasks finished successfully", type).increment();
        timer("jobwire.task.duration", "From first start to the end of a task, retries included", type, "success")
                .record(duration);
        Timer.builder("jobwire.task.latency")
                .description("From the task's created-at to its successful end")
                .tag("type", type)
                .publishPercentileHistogram()
                .register(registry)
                .record(endToEnd.isNegative() ? Duration.ZERO : endToEnd);
    }

    public void retried(String type, int retries) {
        if (retries > 0) {
            counter("jobwire.tasks.retried", "Retries (attempts after the first)", type).increment(retries);
        }
    }

    public void failedAttempts(String type, int failures) {
        if (failures > 0) {
            counter("jobwire.tasks.attempts.failed", "Attempts that failed", type).increment(failures);
        }
    }

    public void deadLettered(String type, DeadLetterReason reason, Duration duration) {
        Counter.builder("jobwire.tasks.dead_lettered")
                .description("Tasks written to the dead-letter topic")
                .tags("type", type, "reason", reason.name())
                .register(registry)
                .increment();
        timer("jobwire.task.duration", "From first start to the end of a task, retries included", type, "dead_letter")
                .record(duration);
    }

    public void cancelled(String type) {
        counter("jobwire.tasks.cancelled", "Tasks cancelled by shutdown or rebalance (redelivered later)", type).increment();
    }

    public void deadLetterWriteFailed() {
        deadLetterWriteFailures.increment();
    }

    public void attemptsPerTask(String type, int attempts) {
        DistributionSummary.builder("jobwire.task.attempts").description("Attempts per finished task")
                .tag("type", type).register(registry).record(attempts);
    }

    private Counter counter(String name, String description, String type) {
        return Counter.builder(name).description(description).tag("type", type).register(registry);
    }

    private Timer timer(String name, String description, String type, String outcome) {
        return Timer.builder(name).description(description).tags("type", type, "outcome", outcome)
                .publishPercentileHistogram().register(registry);
    }
}
