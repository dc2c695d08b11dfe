package dev.jobwire.worker.metrics;

import dev.jobwire.wire.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every meter the worker publishes, in one place. Names are dotted (Prometheus shows
 * {@code jobwire_tasks_succeeded_total}); the {@code type} tag is the task type, or
 * {@code unknown} for records whose type is missing or has no handler (bad input must not
 * create unbounded tag values). Meters are looked up once per type and cached: recording is on
 * every task's path.
 *
 * <p>Thread-safe: Micrometer meters are, and the cache is a concurrent map.
 */
public final class WorkerMetrics {
    public static final String UNKNOWN_TYPE = "unknown";

    private final MeterRegistry registry;
    private final Counter deadLetterWriteFailures;
    private final Map<String, TypeMeters> byType = new ConcurrentHashMap<>();

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
            Supplier<Number> paused, Supplier<Number> assigned, Supplier<Number> oldestUnfinishedSeconds, int maxInFlight) {
        Gauge.builder("jobwire.tasks.oldest_unfinished.age", oldestUnfinishedSeconds)
                .description("How long the oldest received but unfinished record has been in this worker; its offset holds "
                        + "its partition's commits back")
                .baseUnit("seconds")
                .register(registry);
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
        meters(type).started.increment();
    }

    public void succeeded(String type, int attempts, Duration duration, Duration endToEnd) {
        TypeMeters m = meters(type);
        m.succeeded.increment();
        m.successDuration.record(duration);
        m.latency.record(endToEnd.isNegative() ? Duration.ZERO : endToEnd);
        finished(m, attempts, attempts - 1);
    }

    public void deadLettered(String type, DeadLetterReason reason, int attempts, int failedAttempts, Duration duration) {
        TypeMeters m = meters(type);
        m.deadLettered.get(reason).increment();
        m.deadLetterDuration.record(duration);
        finished(m, attempts, failedAttempts);
    }

    private static void finished(TypeMeters m, int attempts, int failedAttempts) {
        if (attempts > 1) {
            m.retried.increment(attempts - 1);
        }
        if (failedAttempts > 0) {
            m.failedAttempts.increment(failedAttempts);
        }
        m.attempts.record(attempts);
    }

    public void cancelled(String type) {
        meters(type).cancelled.increment();
    }

    public void deadLetterWriteFailed() {
        deadLetterWriteFailures.increment();
    }

    private TypeMeters meters(String type) {
        TypeMeters meters = byType.get(type);
        return meters != null ? meters : byType.computeIfAbsent(type, t -> new TypeMeters(registry, t));
    }

    /** The meters of one task type. */
    private static final class TypeMeters {
        final Counter started;
        final Counter succeeded;
        final Counter retried;
        final Counter failedAttempts;
        final Counter cancelled;
        final Map<DeadLetterReason, Counter> deadLettered = new EnumMap<>(DeadLetterReason.class);
        final Timer successDuration;
        final Timer deadLetterDuration;
        final Timer latency;
        final DistributionSummary attempts;

        TypeMeters(MeterRegistry registry, String type) {
            started = counter(registry, "jobwire.tasks.started", "Tasks whose first attempt started", type);
            succeeded = counter(registry, "jobwire.tasks.succeeded", "Tasks finished successfully", type);
            retried = counter(registry, "jobwire.tasks.retried", "Retries (attempts after the first)", type);
            failedAttempts = counter(registry, "jobwire.tasks.attempts.failed", "Attempts that failed", type);
            cancelled = counter(registry, "jobwire.tasks.cancelled",
                    "Tasks cancelled by shutdown or rebalance (redelivered later)", type);
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                deadLettered.put(reason, Counter.builder("jobwire.tasks.dead_lettered")
                        .description("Tasks written to the dead-letter topic")
                        .tags("type", type, "reason", reason.name())
                        .register(registry));
            }
            successDuration = duration(registry, type, "success");
            deadLetterDuration = duration(registry, type, "dead_letter");
            latency = Timer.builder("jobwire.task.latency")
                    .description("From the task's created-at to its successful end")
                    .tag("type", type)
                    .publishPercentileHistogram()
                    .register(registry);
            attempts = DistributionSummary.builder("jobwire.task.attempts").description("Attempts per finished task")
                    .tag("type", type).register(registry);
        }

        private static Counter counter(MeterRegistry registry, String name, String description, String type) {
            return Counter.builder(name).description(description).tag("type", type).register(registry);
        }

        private static Timer duration(MeterRegistry registry, String type, String outcome) {
            return Timer.builder("jobwire.task.duration")
                    .description("From first start to the end of a task, retries included")
                    .tags("type", type, "outcome", outcome)
                    .publishPercentileHistogram()
                    .register(registry);
        }
    }
}
