package dev.jobwire.load;

import dev.jobwire.producer.TaskRequest;
import dev.jobwire.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The scenarios. Each publishes real tasks through the producer library to a real broker, runs
 * real workers in this JVM (their handlers observed by {@link Completions}), and reports what it
 * measured against the ideal. Speed is reported, never asserted; missing tasks and broken caps are
 * problems that fail the command.
 */
final class Scenarios {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private Scenarios() {
    }

    /** 100 tasks of 50–80 ms I/O, at most 10 in flight. Ideal: sum of latencies / 10 (about 0.65 s). */
    static void exercise1(Harness h, Options o, Report r) throws Exception {
        int n = o.count(100, 100);
        String topic = h.createTopic("exercise-1", 6);
        Map<String, String> env = h.workerEnv(topic, h.group("exercise-1"));
        env.put("JOBWIRE_MAX_IN_FLIGHT", "10");
        Completions done = new Completions(n, true);
        Worker worker = h.startWorker(env, done);
        h.awaitReady(worker, Duration.ofSeconds(60));
        warmUp(h, topic, done, n, url -> httpCall(url, 2000), r);
        try (StandInService service = new StandInService(50, 80, 0, 10);
                Sampler sampler = new Sampler(10, done::succeeded, worker::inFlight, worker::buffered)) {
            List<String> ids = h.publish(topic, n, i -> httpCall(service.url(), 2000));
            awaitAtLeast(done::succeeded, n, Duration.ofSeconds(60), r, "tasks");
            sampler.close();
            double total = done.spanSeconds();
            common(r, n, total, done, sampler);
            standIn(r, service, 10, true);
            r.ideal(service.latencySumMs() / 1000.0 / 10, total, 1.5);
            inFlight(r, worker, 10);
            checkAll(r, ids, done);
        }
    }

    /**
     * 10,000 tasks: a ~100 ms external call (at most 50 in flight, 200 ms timeout, one retry), then
     * ~2 ms of CPU on as many threads as cores; the batch is cancelled after 5 minutes. Ideal 20 s.
     */
    static void miniChallenge(Harness h, Options o, Report r) throws Exception {
        int n = o.count(10_000, 500);
        String topic = h.createTopic("mini-challenge", 12);
        Map<String, String> env = h.workerEnv(topic, h.group("mini-challenge"));
        env.put("JOBWIRE_MAX_IN_FLIGHT", "50");
        env.put("JOBWIRE_CPU_THREADS", Integer.toString(CORES));
        // The 200 ms timeout is the external call's own (timeoutMs); the attempt also waits for a CPU slot.
        env.put("JOBWIRE_TYPE_POLICIES", "http.then-cpu:max-attempts=2,attempt-timeout=5s");
        Completions done = new Completions(n, true);
        Worker worker = h.startWorker(env, done);
        h.awaitReady(worker, Duration.ofSeconds(60));
        warmUp(h, topic, done, 500, url -> TaskRequest.builder("http.then-cpu")
                .payload("{\"url\":\"" + url + "\",\"timeoutMs\":200,\"cpuMs\":2}").build(), r);
        Instant batchDeadline = Instant.now().plus(Duration.ofMinutes(5));
        try (StandInService service = new StandInService(100, 100, 0, 50);
                Sampler sampler = new Sampler(100, done::succeeded, worker::inFlight, worker::buffered)) {
            List<String> ids = h.publish(topic, n, i -> TaskRequest.builder("http.then-cpu")
                    .payload("{\"url\":\"" + service.url() + "\",\"timeoutMs\":200,\"cpuMs\":" + Integer.getInteger("cpums", 2) + "}")
                    .deadline(batchDeadline)
                    .build());
            if (!awaitAtLeast(done::succeeded, n, Duration.between(Instant.now(), batchDeadline), r, "tasks")) {
                r.problem("the batch exceeded 5 minutes; its remaining tasks expire at their deadline");
            }
            sampler.close();
            double total = done.spanSeconds();
            common(r, n, total, done, sampler);
            standIn(r, service, 50, false);
            r.ideal(n * 0.100 / 50, total, 1.05);
            inFlight(r, worker, 50);
            checkAll(r, ids, done);
        }
    }

    /** 20,000 tasks of ~2 ms CPU each. Ideal: 20,000 × 2 ms / cores. */
    static void cpuBound(Harness h, Options o, Report r) throws Exception {
        int n = o.count(20_000, 500);
        String topic = h.createTopic("cpu-bound", 12);
        List<String> ids = h.publish(topic, n, i -> TaskRequest.builder("cpu.hash").payload("{\"ms\":2}").build());
        Map<String, String> env = h.workerEnv(topic, h.group("cpu-bound"));
        env.put("JOBWIRE_CPU_THREADS", Integer.toString(CORES));
        Completions done = new Completions(n, true);
        Worker worker = h.startWorker(env, done);
        try (Sampler sampler = new Sampler(100, done::succeeded, worker::inFlight, worker::buffered)) {
            awaitAtLeast(done::succeeded, n, Duration.ofMinutes(5), r, "tasks");
            sampler.close();
            // Published before the worker started: the clock runs from the first task's start.
            double total = done.spanFromFirstStartSeconds();
            common(r, n, total, done, sampler);
            r.put("cpu_threads", CORES);
            r.ideal(n * 0.002 / CORES, total, 1.15);
            checkAll(r, ids, done);
        }
    }

    /**
     * 1,000,000 no-op tasks; the worker's rate beside a raw consumer reading the same topic. Both
     * first go through an unmeasured warm-up round on a separate topic, so neither is timed while
     * the JIT compiles it (on a cold JVM the compiler took a quarter of the CPU of the measured run).
     */
    static void throughput(Harness h, Options o, Report r) throws Exception {
        int n = o.count(1_000_000, 20_000);
        int warmUp = Math.max(1_000, n / 5);
        String warmUpTopic = h.createTopic("throughput-warm-up", 12);
        h.publish(warmUpTopic, warmUp, i -> TaskRequest.builder("noop").payload("{}").build());
        h.rawConsumerRate(warmUpTopic, warmUp);
        Completions warmUpDone = new Completions(warmUp, false);
        try (Worker warmUpWorker = h.startWorker(throughputEnv(h, warmUpTopic, "throughput-warm-up"), warmUpDone)) {
            awaitAtLeast(warmUpDone::succeeded, warmUp, Duration.ofMinutes(5), r, "warm-up");
        }
        r.put("warm_up_tasks", warmUp);

        String topic = h.createTopic("throughput", 12);
        long publishStart = System.nanoTime();
        h.publish(topic, n, i -> TaskRequest.builder("noop").payload("{}").build());
        r.put("publish_tasks_per_second", n / ((System.nanoTime() - publishStart) / 1e9));
        double raw = h.rawConsumerRate(topic, n);
        r.put("raw_consumer_records_per_second", raw);
        Completions done = new Completions(n, false);
        Worker worker = h.startWorker(throughputEnv(h, topic, "throughput"), done);
        try (Sampler sampler = new Sampler(100, done::succeeded, worker::inFlight, worker::buffered)) {
            awaitAtLeast(done::succeeded, n, Duration.ofMinutes(10), r, "tasks");
            sampler.close();
            double total = done.spanFromFirstStartSeconds();
            common(r, n, total, done, sampler);
            double ratio = (n / total) / raw;
            r.put("ratio_to_raw_consumer", ratio);
            r.put("target_ratio_to_raw_consumer", 0.5);
            r.put("target_met", ratio >= 0.5);
            if (done.succeeded() < n) {
                r.problem((n - done.succeeded()) + " of " + n + " tasks never completed");
            }
        }
    }

    private static Map<String, String> throughputEnv(Harness h, String topic, String group) {
        Map<String, String> env = h.workerEnv(topic, h.group(group));
        env.put("JOBWIRE_MAX_IN_FLIGHT", "256");
        env.put("JOBWIRE_BUFFER_CAPACITY", "20000");
        return env;
    }

    /** A million-task backlog behind a slow handler: heap after GC and resident memory must stay flat. */
    static void backlog(Harness h, Options o, Report r) throws Exception {
        int n = o.count(1_000_000, 20_000);
        int seconds = o.durationSeconds() > 0 ? o.durationSeconds() : o.smoke() ? 10 : 60;
        String topic = h.createTopic("backlog", 12);
        String padding = "x".repeat(200);
        h.publish(topic, n, i -> TaskRequest.builder("sleep").payload("{\"ms\":50,\"pad\":\"" + padding + "\"}").build());
        Map<String, String> env = h.workerEnv(topic, h.group("backlog"));
        env.put("JOBWIRE_MAX_IN_FLIGHT", "64");
        Completions done = new Completions(1, false);
        System.gc();
        long heapBefore = Sampler.heapAfterGcMb();
        Worker worker = h.startWorker(env, done);
        Sampler sampler = new Sampler(250, done::succeeded, worker::inFlight, worker::buffered);
        Thread.sleep(seconds * 1000L);
        sampler.close();
        List<Sampler.Sample> samples = sampler.samples();
        r.timeline(samples);
        int half = samples.size() / 2;
        double firstHalf = Report.max(samples.subList(0, half), Sampler.Sample::heapAfterGcMb);
        double secondHalf = Report.max(samples.subList(half, samples.size()), Sampler.Sample::heapAfterGcMb);
        double maxBuffered = Report.max(samples, Sampler.Sample::buffered);
        r.put("backlog_tasks", n);
        r.put("run_seconds", seconds);
        r.put("tasks_done_during_run", done.succeeded());
        r.put("heap_after_gc_before_worker_mb", heapBefore);
        r.put("heap_after_gc_max_first_half_mb", firstHalf);
        r.put("heap_after_gc_max_second_half_mb", secondHalf);
        r.put("heap_used_max_mb", Report.max(samples, Sampler.Sample::heapUsedMb));
        r.put("rss_max_mb", Report.max(samples, Sampler.Sample::rssMb));
        r.put("buffered_max", maxBuffered);
        r.put("buffer_capacity", 1000);
        r.put("target", "heap after GC < 256 MB and flat (second half at most first half + 32 MB)");
        r.put("target_met", Math.max(firstHalf, secondHalf) < 256 && secondHalf <= firstHalf + 32);
        if (maxBuffered > 1000) {
            r.problem("buffer held " + maxBuffered + " records, above its capacity of 1000");
        }
    }

    /** Permanent and transient failures mixed in: successes plus dead letters add up exactly to what was published. */
    static void failureMix(Harness h, Options o, Report r) throws Exception {
        int n = o.count(10_000, 1_000);
        String topic = h.createTopic("failure-mix", 6);
        Map<String, String> env = h.workerEnv(topic, h.group("failure-mix"));
        env.put("JOBWIRE_BACKOFF_INITIAL", "10ms");
        env.put("JOBWIRE_BACKOFF_MAX", "50ms");
        // Breakers off: this scenario checks accounting; a type failing half its attempts would trip one.
        env.put("JOBWIRE_TYPE_POLICIES", "fail.always:breaker-failure-rate=0;fail.sometimes:breaker-failure-rate=0");
        Completions done = new Completions(n, true);
        Worker worker = h.startWorker(env, done);
        h.awaitReady(worker, Duration.ofSeconds(60));
        long permanent = 0;
        for (int i = 0; i < n; i++) {
            permanent += i % 20 < 2 ? 1 : 0;
        }
        try (Sampler sampler = new Sampler(100, done::succeeded, worker::inFlight, worker::buffered)) {
            List<String> ids = h.publish(topic, n, Scenarios::mixedTask);
            awaitAtLeast(() -> done.distinctTasks(), n - permanent, Duration.ofMinutes(5), r, "successful tasks");
            Set<String> dead = h.deadLetterIds(topic, permanent, Duration.ofSeconds(60));
            sampler.close();
            common(r, n, done.spanSeconds(), done, sampler);
            r.put("expected_permanent_failures", permanent);
            r.put("dead_letters", dead.size());
            r.put("expected_transient_failures", n / 5);
            Set<String> accounted = new HashSet<>(dead);
            long both = ids.stream().filter(id -> dead.contains(id) && done.ran(id)).count();
            ids.stream().filter(done::ran).forEach(accounted::add);
            long missing = ids.stream().filter(id -> !accounted.contains(id)).count();
            r.put("succeeded_plus_dead_lettered", done.distinctTasks() + dead.size());
            r.put("missing", missing);
            if (missing > 0) {
                r.problem(missing + " published tasks neither succeeded nor were dead-lettered");
            }
            if (both > 0) {
                r.problem(both + " tasks both succeeded and were dead-lettered");
            }
            if (dead.size() != permanent) {
                r.problem(dead.size() + " dead letters, expected exactly " + permanent);
            }
        }
    }

    private static TaskRequest mixedTask(int i) {
        return switch (i % 20) {
            case 0 -> TaskRequest.builder("fail.always").payload("{\"message\":\"permanent failure " + i + "\"}").build();
            case 1 -> TaskRequest.builder("fail.always")
                    .payload("{\"message\":\"rejected input " + i + "\",\"retryable\":false}").build();
            case 2, 7, 12, 17 -> TaskRequest.builder("fail.sometimes").payload("{\"failAttempts\":1}").build();
            default -> TaskRequest.builder("noop").payload("{}").build();
        };
    }

    /** Workers join and leave mid-run: every task is executed, duplicates are counted. */
    static void rebalance(Harness h, Options o, Report r) throws Exception {
        int n = o.count(20_000, 2_000);
        String topic = h.createTopic("rebalance", 12);
        List<String> ids = h.publish(topic, n, i -> TaskRequest.builder("sleep").payload("{\"ms\":20}").build());
        String group = h.group("rebalance");
        Completions done = new Completions(n, true);
        Worker first = h.startWorker(env32(h, topic, group), done);
        try (Sampler sampler = new Sampler(100, done::succeeded, () -> done.running(), first::buffered)) {
            awaitAtLeast(done::distinctTasks, n / 5, Duration.ofMinutes(2), r, "20 %");
            Worker second = h.startWorker(env32(h, topic, group), done);
            awaitAtLeast(done::distinctTasks, n * 2 / 5, Duration.ofMinutes(2), r, "40 %");
            Worker third = h.startWorker(env32(h, topic, group), done);
            awaitAtLeast(done::distinctTasks, n * 3 / 5, Duration.ofMinutes(2), r, "60 %");
            second.close();
            awaitAtLeast(done::distinctTasks, n * 3 / 4, Duration.ofMinutes(2), r, "75 %");
            third.close();
            awaitAtLeast(done::distinctTasks, n, Duration.ofMinutes(3), r, "every task");
            sampler.close();
            common(r, n, done.spanFromFirstStartSeconds(), done, sampler);
            r.put("workers", "1 → 2 (at 20 %) → 3 (at 40 %) → 2 (at 60 %) → 1 (at 75 %)");
            r.put("duplicates", done.duplicates());
            checkAll(r, ids, done);
        }
    }

    /**
     * Start-up excluded: an unmeasured round of the same kind of tasks, against its own stand-in,
     * warms the JIT, the HTTP client's connections and the consumer group before the clock starts.
     */
    private static void warmUp(Harness h, String topic, Completions done, int count,
            java.util.function.Function<String, TaskRequest> task, Report r) throws Exception {
        try (StandInService service = new StandInService(50, 100, 0, 1_000)) {
            h.publish(topic, count, i -> task.apply(service.url()));
            awaitAtLeast(done::succeeded, count, Duration.ofSeconds(120), r, "warm-up");
        }
        r.put("warm_up_tasks", count);
        done.reset();
    }

    private static Map<String, String> env32(Harness h, String topic, String group) {
        Map<String, String> env = h.workerEnv(topic, group);
        env.put("JOBWIRE_MAX_IN_FLIGHT", "32");
        env.put("JOBWIRE_REVOCATION_GRACE", "5s");
        return env;
    }

    private static TaskRequest httpCall(String url, int timeoutMs) {
        return TaskRequest.builder("http.call").payload("{\"url\":\"" + url + "\",\"timeoutMs\":" + timeoutMs + "}").build();
    }

    /** Waits for {@code count} to reach {@code target}; on timeout records a problem and returns false. */
    static boolean awaitAtLeast(LongSupplier count, long target, Duration timeout, Report r, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                r.problem(what + ": " + count.getAsLong() + " of " + target + " done within " + timeout.toSeconds() + " s");
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    private static void common(Report r, int n, double totalSeconds, Completions done, Sampler sampler) {
        r.timeline(sampler.samples());
        r.put("tasks", n);
        r.put("total_seconds", totalSeconds);
        r.put("tasks_per_second", n / Math.max(totalSeconds, 1e-9));
        r.put("latency_p50_ms", done.latencyPercentileMs(50));
        r.put("latency_p95_ms", done.latencyPercentileMs(95));
        r.put("latency_p99_ms", done.latencyPercentileMs(99));
        r.put("latency_max_ms", done.latencyPercentileMs(100));
        r.put("max_active_tasks", done.maxRunning());
        r.put("max_buffered_worker", (long) Report.max(sampler.samples(), Sampler.Sample::buffered));
    }

    /** The worker's own count of tasks holding I/O slots, against its cap. */
    private static void inFlight(Report r, Worker worker, int cap) {
        r.put("max_in_flight_worker", worker.maxInFlightSeen());
        r.put("worker_in_flight_cap", cap);
        checkCap(r, "worker in flight", worker.maxInFlightSeen(), cap);
    }

    /**
     * What the stand-in saw. With client timeouts ({@code strict} false) a request the worker gave
     * up on keeps running at the server until its latency passes, so the server may briefly see
     * more than the worker's cap while the worker itself never exceeds it: reported, not failed.
     */
    private static void standIn(Report r, StandInService service, int cap, boolean strict) {
        r.put("max_concurrency_stand_in", service.maxConcurrencySeen());
        r.put("stand_in_cap", cap);
        r.put("stand_in_refused_429", service.refused());
        r.put("stand_in_errors_500", service.errors());
        if (strict) {
            checkCap(r, "stand-in concurrency", service.maxConcurrencySeen(), cap);
        } else if (service.maxConcurrencySeen() > cap) {
            r.put("stand_in_note", "above the cap only by requests abandoned at the client timeout and still served");
        }
    }

    private static void checkCap(Report r, String what, int seen, int cap) {
        if (seen > cap) {
            r.problem(what + " reached " + seen + ", above its cap of " + cap);
        }
    }

    private static void checkAll(Report r, List<String> ids, Completions done) {
        long missing = ids.stream().filter(id -> !done.ran(id)).count();
        r.put("missing", missing);
        if (missing > 0) {
            r.problem(missing + " of " + ids.size() + " tasks were never executed");
        }
    }
}
