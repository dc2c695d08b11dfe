package dev.jobwire.worker.metrics;

import dev.jobwire.wire.DeadLetterReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Every meter the worker publishes, bound as one Micrometer {@link MeterBinder}. Names are dotted
 * (Prometheus shows {@code jobwire_tasks_succeeded_total}); the {@code type} tag is the task type,
 * or {@code unknown} for records whose type is missing or has no handler (bad input must not create
 * unbounded tag values).
 *
 * <p>Recording is on every task's path, so counters are {@link LongAdder}s read at scrape time
 * ({@link FunctionCounter}), and a type's meters are looked up once and cached; only the two
 * latency histograms record per task. Gauges are named suppliers given by the parts that own the
 * state ({@link #gauge}).
 *
 * <p>Thread-safe: adders, timers and the caches are. {@link #gauge} and {@link #bindTo} are called
 * while the worker is wired, before tasks run.
 */
public final class WorkerMetrics implements MeterBinder, AutoCloseable {
    public static final String UNKNOWN_TYPE = "unknown";

    private final List<GaugeSpec> gauges = new ArrayList<>();
    private final Map<String, TypeMeters> byType = new ConcurrentHashMap<>();
    private final List<Meter> registered = new CopyOnWriteArrayList<>();
    private final List<Supplier<Number>> counterSources = new CopyOnWriteArrayList<>();
    private volatile MeterRegistry registry;

    private record GaugeSpec(String name, String description, String baseUnit, Supplier<Number> value, String[] tags) {
    }

    /**
     * The registry the worker service publishes to: Prometheus, on a {@link CoarseClock} (Micrometer
     * reads its clock on every timer record; the recorded values do not come from it).
     */
    public static PrometheusMeterRegistry prometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), CoarseClock.INSTANCE);
    }

    /** Adds a gauge read from {@code value} at scrape time; {@code tags} as name, value pairs. */
    public WorkerMetrics gauge(String name, String description, String baseUnit, Supplier<Number> value, String... tags) {
        gauges.add(new GaugeSpec(name, description, baseUnit, value, tags));
        if (registry != null) {
            register(gauges.getLast());
        }
        return this;
    }

    /** Adds a counter read from {@code value} at scrape time. */
    public WorkerMetrics counter(String name, String description, Supplier<Number> value, String... tags) {
        MeterRegistry bound = requireBound();
        // A function counter holds its object weakly: a method reference held by nothing else is
        // collected at the next GC, and the counter then reads 0.
        counterSources.add(value);
        registered.add(FunctionCounter.builder(name, value, v -> v.get().doubleValue()).description(description).tags(tags)
                .register(bound));
        return this;
    }

    /** A histogram timer; the returned recorder takes milliseconds (negative ones count as 0). */
    public java.util.function.LongConsumer timer(String name, String description) {
        Timer timer = Timer.builder(name).description(description).publishPercentileHistogram().register(requireBound());
        registered.add(timer);
        return millis -> timer.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        gauges.forEach(this::register);
    }

    private void register(GaugeSpec spec) {
        Gauge.Builder<Supplier<Number>> builder = Gauge.builder(spec.name(), spec.value()).description(spec.description())
                .tags(spec.tags());
        if (spec.baseUnit() != null) {
            builder.baseUnit(spec.baseUnit());
        }
        registered.add(builder.register(registry));
    }

    private MeterRegistry requireBound() {
        MeterRegistry bound = registry;
        if (bound == null) {
            throw new IllegalStateException("bind the worker's metrics to a registry first");
        }
        return bound;
    }

    /** The meters of {@code type}, to keep and record into directly (one lookup per type, not per task). */
    public TypeMeters forType(String type) {
        return meters(type);
    }

    public void started(String type) {
        meters(type).started.increment();
    }

    /**
     * @param durationNanos from the task's first start to its end, retries included
     * @param latencyNanos  from its created-at to its end; clamped to 0 when the clocks disagree
     *                      and to the histogram's range for a created-at far in the past
     */
    public void succeeded(String type, int attempts, long durationNanos, long latencyNanos) {
        meters(type).succeeded(attempts, durationNanos, latencyNanos);
    }

    public void deadLettered(String type, DeadLetterReason reason, int attempts, int failedAttempts, long durationNanos) {
        TypeMeters m = meters(type);
        m.deadLettered.get(reason).increment();
        m.deadLetterDuration.record(durationNanos, TimeUnit.NANOSECONDS);
        finished(m, attempts, failedAttempts);
    }

    /** A retry re-published to run after a long backoff. */
    public void retryHandedOff(String type, int failedAttemptsThisRound) {
        TypeMeters m = meters(type);
        m.handedOff.increment();
        if (failedAttemptsThisRound > 0) {
            m.failedAttempts.add(failedAttemptsThisRound);
        }
    }

    /** How late a delayed task or retry started: its start minus the time it was due. */
    public void lateness(String type, long lateNanos) {
        meters(type).lateness(lateNanos);
    }

    private static void finished(TypeMeters m, int attempts, int failedAttempts) {
        if (attempts > 1) {
            m.retried.add(attempts - 1);
        }
        if (failedAttempts > 0) {
            m.failedAttempts.add(failedAttempts);
        }
    }

    public void cancelled(String type) {
        meters(type).cancelled.increment();
    }

    /** A week: latencies beyond it (a created-at in the distant past) are recorded as a week. */
    private static long clamp(long nanos) {
        return Math.min(Math.max(0, nanos), TimeUnit.DAYS.toNanos(7));
    }

    private TypeMeters meters(String type) {
        TypeMeters meters = byType.get(type);
        return meters != null ? meters : byType.computeIfAbsent(type, t -> new TypeMeters(requireBound(), t, registered));
    }

    /** Removes every meter this binder registered. */
    @Override
    public void close() {
        MeterRegistry bound = registry;
        if (bound != null) {
            registered.forEach(bound::remove);
        }
        registered.clear();
        counterSources.clear();
        byType.clear();
    }

    /** The meters of one task type. Thread-safe. */
    public static final class TypeMeters {
        final LongAdder started = new LongAdder();
        final LongAdder succeeded = new LongAdder();
        final LongAdder retried = new LongAdder();
        final LongAdder failedAttempts = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        final LongAdder handedOff = new LongAdder();
        final Map<DeadLetterReason, LongAdder> deadLettered = new EnumMap<>(DeadLetterReason.class);
        final Timer successDuration;
        final Timer deadLetterDuration;
        final Timer latency;
        final Timer lateness;

        TypeMeters(MeterRegistry registry, String type, List<Meter> registered) {
            counter(registry, registered, "jobwire.tasks.started", "Tasks whose first attempt started", type, started);
            counter(registry, registered, "jobwire.tasks.succeeded", "Tasks finished successfully", type, succeeded);
            counter(registry, registered, "jobwire.tasks.retried", "Retries (attempts after the first)", type, retried);
            counter(registry, registered, "jobwire.tasks.attempts.failed", "Attempts that failed", type, failedAttempts);
            counter(registry, registered, "jobwire.tasks.cancelled",
                    "Tasks cancelled by shutdown or rebalance (delivered again later)", type, cancelled);
            counter(registry, registered, "jobwire.tasks.retries.handed_off",
                    "Retries re-published to run after a long backoff instead of waiting in the worker", type, handedOff);
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                LongAdder adder = new LongAdder();
                deadLettered.put(reason, adder);
                registered.add(FunctionCounter.builder("jobwire.tasks.dead_lettered", adder, LongAdder::doubleValue)
                        .description("Tasks written to the dead-letter topic")
                        .tags("type", type, "reason", reason.name())
                        .register(registry));
            }
            successDuration = duration(registry, registered, type, "success");
            deadLetterDuration = duration(registry, registered, type, "dead_letter");
            latency = Timer.builder("jobwire.task.latency")
                    .description("From the task's created-at to its successful end")
                    .tag("type", type)
                    .publishPercentileHistogram()
                    .register(registry);
            registered.add(latency);
            lateness = Timer.builder("jobwire.task.start.lateness")
                    .description("How late a delayed task or a retry started: its start minus the time it was due")
                    .tag("type", type)
                    .publishPercentileHistogram()
                    .register(registry);
            registered.add(lateness);
        }

        public void started() {
            started.increment();
        }

        /** See {@link WorkerMetrics#succeeded}. */
        public void succeeded(int attempts, long durationNanos, long latencyNanos) {
            succeeded.increment();
            successDuration.record(durationNanos, TimeUnit.NANOSECONDS);
            latency.record(clamp(latencyNanos), TimeUnit.NANOSECONDS);
            finished(this, attempts, attempts - 1);
        }

        public void lateness(long lateNanos) {
            lateness.record(Math.max(0, lateNanos), TimeUnit.NANOSECONDS);
        }

        private static void counter(MeterRegistry registry, List<Meter> registered, String name, String description,
                String type, LongAdder adder) {
            registered.add(FunctionCounter.builder(name, adder, LongAdder::doubleValue).description(description)
                    .tag("type", type).register(registry));
        }

        private static Timer duration(MeterRegistry registry, List<Meter> registered, String type, String outcome) {
            Timer timer = Timer.builder("jobwire.task.duration")
                    .description("From first start to the end of a task, retries included")
                    .tags("type", type, "outcome", outcome)
                    .publishPercentileHistogram()
                    .register(registry);
            registered.add(timer);
            return timer;
        }
    }
}
