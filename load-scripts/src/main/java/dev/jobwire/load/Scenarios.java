package dev.jobwire.load;

import dev.jobwire.producer.TaskRequest;
import dev.jobwire.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * The scenarios. Each publishes real tasks through the producer library to a real broker, runs
 * real workers in this JVM (their handlers observed by {@link Completions}), and reports what it
 * measured against the ideal. Speed is reported, never asserted: what fails the command is a task
 * without an outcome or a broken cap ({@link Accounting}, {@link Checks}).
 *
 * <p>A new scenario: a static method taking ({@link Harness}, {@link Options}, {@link Report}) —
 * here, or in a class of its own when it needs helpers ({@link FailoverScenario}) — registered by
 * name in {@link LoadMain}; publish, then {@code Accounting.of(...).await(PATIENCE)}, report speed
 * with {@link Checks#speed}, and finish with {@code accounting.check(report)}.
 */
final class Scenarios {
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /**
     * How long a scenario waits for its tasks' outcomes before the rest count as missing. Waiting
     * ends as soon as every task is accounted for; this only bounds a run that lost a task, and is
     * many times what the smoke sizes need on a machine ten times slower than ours.
     */
    static final Duration PATIENCE = Duration.ofMinutes(5);

    private Scenarios() {
    }

    /** 100 tasks of 50–80 ms I/O, at most 10 in flight. Ideal: sum of latencies / 10 (about 0.65 s). */
    static void exercise1(Harness h, Options o, Report r) throws Exception {
        int n = o.count(100, 100);
        String topic = h.createTopic("exercise-1", 6);
        DeadLetterWatch dead = h.watchDeadLetters(topic);
        String group = h.group("exercise-1");
        Map<String, String> env = h.workerEnv(topic, group);
        env.put("JOBWIRE_MAX_IN_FLIGHT", "10");
        Completions done = new Completions(n, true);
        Worker worker = h.startWorker(env, done);
        h.awaitReady(worker, PATIENCE);
        warmUp(h, topic, done, dead, n, url -> httpCall(url, 2000), r);
        long retriedBefore = h.counter(worker, "jobwire.tasks.retried");
        try (Admin admin = h.admin();
                StandInService service = new StandInService(50, 80, 0, 10);
                Sampler sampler = new Sampler(10, done::succeeded, worker::inFlight, worker::buffered)) {
            List<String> ids = h.publish(topic, n, i -> httpCall(service.url(), 2000));
            Map<TopicPartition, Long> ends = GroupState.endOffsets(admin, topic);
            Accounting accounting = Accounting.of("tasks", ids, done, dead, Accounting.Duplicates.FORBIDDEN);
            accounting.await(PATIENCE);
            double total = done.spanSeconds();
            CommitTiming.report(r, admin, group, ends, done.firstCreatedMicros(), total, done.lastDoneMicros());
            sampler.close();
            Checks.speed(r, n, total, done, sampler);
            // A call abandoned at its 2 s timeout (and retried) may still be open at the stand-in.
            Checks.standIn(r, service, 10, h.counter(worker, "jobwire.tasks.retried") == retriedBefore);
            r.ideal(service.latencySumMs() / 1000.0 / 10, total, 1.5);
            Checks.inFlight(r, worker, 10);
            accounting.check(r);
        }
    }

    /**
     * 10,000 tasks: a ~100 ms external call (at most 50 in flight, 200 ms timeout, one retry, no breaker), then
     * ~2 ms of CPU on as many threads as cores; the batch is cancelled after 5 minutes. Ideal 20 s.
     * On a slow machine calls time out and tasks are dead-lettered (retries exhausted, or expired at
     * the batch's deadline): outcomes that are accounted for, reported, never failed on.
     */
    static void miniChallenge(Harness h, Options o, Report r) throws Exception {
        int n = o.count(10_000, 500);
        String topic = h.createTopic("mini-challenge", 12);
        DeadLetterWatch dead = h.watchDeadLetters(topic);
        String group = h.group("mini-challenge");
        Map<String, String> env = h.workerEnv(topic, group);
        env.put("JOBWIRE_MAX_IN_FLIGHT", "50");
        env.put("JOBWIRE_CPU_THREADS", Integer.toString(CORES));
        // The 200 ms timeout is the external call's own (timeoutMs); the attempt also waits for a CPU slot.
        // No breaker: the stand-in never fails, so only a starved machine's timeouts could open it, and
        // then every slot waits on it until the batch's deadline (sixteen CPU burners: 358 of 500
        // tasks still unfinished five minutes past it). Timeouts are outcomes; a stalled run is not.
        env.put("JOBWIRE_TYPE_POLICIES", "http.then-cpu:max-attempts=2,attempt-timeout=5s,breaker-failure-rate=0");
        Completions done = new Completions(n, true);
        Worker worker = h.startWorker(env, done);
        h.awaitReady(worker, PATIENCE);
        warmUp(h, topic, done, dead, 500, url -> TaskRequest.builder("http.then-cpu")
                .payload("{\"url\":\"" + url + "\",\"timeoutMs\":200,\"cpuMs\":2}").build(), r);
        Instant batchDeadline = Instant.now().plus(Duration.ofMinutes(5));
        try (Admin admin = h.admin();
                StandInService service = new StandInService(100, 100, 0, 50);
                Sampler sampler = new Sampler(100, done::succeeded, worker::inFlight, worker::buffered)) {
            List<String> ids = h.publish(topic, n, i -> TaskRequest.builder("http.then-cpu")
                    .payload("{\"url\":\"" + service.url() + "\",\"timeoutMs\":200,\"cpuMs\":" + Integer.getInteger("cpums", 2) + "}")
                    .deadline(batchDeadline)
                    .build());
            Map<TopicPartition, Long> ends = GroupState.endOffsets(admin, topic);
            // Extra handler runs are counted, not failed on: an attempt cut at its 5 s timeout may
            // have had its handler return at that moment; the task was then retried or dead-lettered.
            Accounting accounting = Accounting.of("tasks", ids, done, dead, Accounting.Duplicates.COUNTED);
            // Tasks unfinished at the batch's deadline are dead-lettered as EXPIRED: wait for those too.
            accounting.await(Duration.between(Instant.now(), batchDeadline).plus(PATIENCE));
            double total = done.spanSeconds();
            CommitTiming.report(r, admin, group, ends, done.firstCreatedMicros(), total, done.lastDoneMicros());
            sampler.close();
            Checks.speed(r, n, total, done, sampler);
            Checks.standIn(r, service, 50, false);
            r.ideal(n * 0.100 / 50, total, 1.05);
            Checks.inFlight(r, worker, 50);
            Accounting.Tally tally = accounting.check(r);
            if (tally.deadLetteredByReason().containsKey("EXPIRED")) {
                r.put("batch_note", "the batch took over 5 minutes: its remaining tasks expired at their deadline");
            }
        }
    }

    /** 20,000 tasks of ~2 ms CPU each. Ideal: 20,000 × 2 ms / cores. */
    static void cpuBound(Harness h, Options o, Report r) throws Exception {
        int n = o.count(20_000, 500);
        String topic = h.createTopic("cpu-bound", 12);
        DeadLetterWatch dead = h.watchDeadLetters(topic);
        List<String> ids = h.publish(topic, n, i -> TaskRequest.builder("cpu.hash").payload("{\"ms\":2}").build());
        Map<String, String> env = h.workerEnv(topic, h.group("cpu-bound"));
        env.put("JOBWIRE_CPU_THREADS", Integer.toString(CORES));
        Completions done = new Completions(n, true);
        Worker worker = h.startWorker(env, done);
        StartupTimer startup = StartupTimer.watch(worker, h.startedNanos(worker), done::firstStartNanos);
        try (Sampler sampler = new Sampler(100, done::succeeded, worker::inFlight, worker::buffered)) {
            Accounting accounting = Accounting.of("tasks", ids, done, dead, Accounting.Duplicates.FORBIDDEN);
            accounting.await(PATIENCE);
            sampler.close();
            // Published before the worker started: the clock runs from the first task's start.
            double total = done.spanFromFirstStartSeconds();
            Checks.speed(r, n, total, done, sampler);
            startup.report(r);
            r.put("cpu_threads", CORES);
            r.ideal(n * 0.002 / CORES, total, 1.15);
            accounting.check(r);
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
        DeadLetterWatch warmUpDead = h.watchDeadLetters(warmUpTopic);
        h.publish(warmUpTopic, warmUp, i -> TaskRequest.builder("noop").payload("{}").build());
        h.rawConsumerRate(warmUpTopic, warmUp);
        Completions warmUpDone = new Completions(warmUp, false);
        try (Worker warmUpWorker = h.startWorker(throughputEnv(h, warmUpTopic, "throughput-warm-up"), warmUpDone)) {
            Accounting warm = Accounting.ofCounts("warm-up tasks", warmUp, warmUpDone::succeeded, warmUpDead::records);
            warm.await(PATIENCE);
            warm.check(r);
        }

        String topic = h.createTopic("throughput", 12);
        DeadLetterWatch dead = h.watchDeadLetters(topic);
        long publishStart = System.nanoTime();
        List<String> ids = h.publish(topic, n, i -> TaskRequest.builder("noop").payload("{}").build());
        r.put("publish_tasks_per_second", n / ((System.nanoTime() - publishStart) / 1e9));
        double raw = h.rawConsumerRate(topic, n);
        r.put("raw_consumer_records_per_second", raw);
        // Following a million ids would slow the rate this measures: large runs are accounted by counts.
        boolean byId = n <= 100_000;
        Completions done = new Completions(n, byId);
        Profiling profile = Profiling.start("throughput");
        Worker worker = h.startWorker(throughputEnv(h, topic, "throughput"), done);
        StartupTimer startup = StartupTimer.watch(worker, h.startedNanos(worker), done::firstStartNanos);
        try (profile; Sampler sampler = new Sampler(100, done::succeeded, worker::inFlight, worker::buffered)) {
            Accounting accounting = byId
                    ? Accounting.of("tasks", ids, done, dead, Accounting.Duplicates.FORBIDDEN)
                    : Accounting.ofCounts("tasks", n, done::succeeded, dead::records);
            accounting.await(PATIENCE.multipliedBy(2));
            sampler.close();
            double total = done.spanFromFirstStartSeconds();
            Checks.speed(r, n, total, done, sampler);
            double ratio = (n / total) / raw;
            r.put("ratio_to_raw_consumer", ratio);
            r.put("target_ratio_to_raw_consumer", 0.5);
            r.put("target_met", ratio >= 0.5);
            startup.report(r);
            accounting.check(r);
        }
    }

    private static Map<String, String> throughputEnv(Harness h, String topic, String group) {
        Map<String, String> env = h.workerEnv(topic, h.group(group));
        env.put("JOBWIRE_MAX_IN_FLIGHT", "256");
        env.put("JOBWIRE_BUFFER_CAPACITY", "20000");
        return env;
    }

    /** A million-task backlog behind a slow handler: the live heap must stay small and flat; resident memory is reported. */
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
        // The live set (heap after a full collection) at half time and at the end: what a leak would
        // grow. Heap after the sampled collections also holds garbage young collections promoted.
        Thread.sleep(seconds * 500L);
        System.gc();
        long liveMid = Sampler.heapAfterGcMb();
        Thread.sleep(seconds * 500L);
        System.gc();
        long liveEnd = Sampler.heapAfterGcMb();
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
        r.put("heap_live_half_time_mb", liveMid);
        r.put("heap_live_end_mb", liveEnd);
        r.put("target", "live heap (after a full GC) < 256 MB and flat (at the end at most half time + 32 MB)");
        r.put("target_met", Math.max(liveMid, liveEnd) < 256 && liveEnd <= liveMid + 32);
        Checks.cap(r, "worker buffer", maxBuffered, 1000);
    }

    /**
     * Permanent and transient failures mixed in: every task ends as its kind says (successes plus
     * dead letters add up exactly to what was published, each dead letter with the right reason).
     */
    static void failureMix(Harness h, Options o, Report r) throws Exception {
        int n = o.count(10_000, 1_000);
        String topic = h.createTopic("failure-mix", 6);
        DeadLetterWatch dead = h.watchDeadLetters(topic);
        Map<String, String> env = h.workerEnv(topic, h.group("failure-mix"));
        env.put("JOBWIRE_BACKOFF_INITIAL", "10ms");
        env.put("JOBWIRE_BACKOFF_MAX", "50ms");
        // Breakers off: this scenario checks accounting; a type failing half its attempts would trip one.
        env.put("JOBWIRE_TYPE_POLICIES", "fail.always:breaker-failure-rate=0;fail.sometimes:breaker-failure-rate=0");
        Completions done = new Completions(n, true);
        Worker worker = h.startWorker(env, done);
        h.awaitReady(worker, PATIENCE);
        try (Sampler sampler = new Sampler(100, done::succeeded, worker::inFlight, worker::buffered)) {
            List<String> ids = h.publish(topic, n, Scenarios::mixedTask);
            Accounting accounting = Accounting.of("tasks", ids, done, dead, Accounting.Duplicates.FORBIDDEN);
            accounting.await(PATIENCE);
            sampler.close();
            Checks.speed(r, n, done.spanSeconds(), done, sampler);
            accounting.check(r);
            long permanent = 0;
            long otherwise = 0;
            String example = null;
            for (int i = 0; i < ids.size(); i++) {
                String expected = expectedDeadLetterReason(i);
                permanent += expected == null ? 0 : 1;
                String actual = dead.reasonOf(ids.get(i));
                boolean accounted = actual != null || done.ran(ids.get(i));
                if (accounted && !Objects.equals(expected, actual)) {
                    otherwise++;
                    if (example == null) {
                        example = "task " + i + " (" + mixedTask(i).type() + "): expected "
                                + (expected == null ? "success" : expected) + ", got " + (actual == null ? "success" : actual);
                    }
                }
            }
            r.put("expected_permanent_failures", permanent);
            r.put("expected_transient_failures", n / 5);
            r.put("ended_otherwise_than_expected", otherwise);
            if (otherwise > 0) {
                r.problem(otherwise + " tasks ended otherwise than their kind says, e.g. " + example);
            }
        }
    }

    /** How {@link #mixedTask}(i) must end: the dead-letter reason, or null for a success. */
    private static String expectedDeadLetterReason(int i) {
        return switch (i % 20) {
            case 0 -> "RETRIES_EXHAUSTED";
            case 1 -> "NON_RETRYABLE";
            default -> null;
        };
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

    /** Workers join and leave mid-run: every task is accounted for, redeliveries are counted. */
    static void rebalance(Harness h, Options o, Report r) throws Exception {
        int n = o.count(20_000, 2_000);
        String topic = h.createTopic("rebalance", 12);
        DeadLetterWatch dead = h.watchDeadLetters(topic);
        List<String> ids = h.publish(topic, n, i -> TaskRequest.builder("sleep").payload("{\"ms\":20}").build());
        String group = h.group("rebalance");
        Completions done = new Completions(n, true);
        // Redelivery after a rebalance is at-least-once by design: extra runs are counted, not failed.
        Accounting accounting = Accounting.of("tasks", ids, done, dead, Accounting.Duplicates.COUNTED);
        Instant giveUp = Instant.now().plus(PATIENCE);
        List<String> missed = new ArrayList<>();
        Worker first = h.startWorker(env32(h, topic, group), done);
        StartupTimer startup = StartupTimer.watch(first, h.startedNanos(first), done::firstStartNanos);
        try (Sampler sampler = new Sampler(100, done::succeeded, () -> done.running(), first::buffered)) {
            milestone(accounting, n / 5, giveUp, "20 %", missed);
            Worker second = h.startWorker(env32(h, topic, group), done);
            milestone(accounting, n * 2 / 5, giveUp, "40 %", missed);
            Worker third = h.startWorker(env32(h, topic, group), done);
            milestone(accounting, n * 3 / 5, giveUp, "60 %", missed);
            second.close();
            milestone(accounting, n * 3 / 4, giveUp, "75 %", missed);
            third.close();
            accounting.await(left(giveUp));
            sampler.close();
            Checks.speed(r, n, done.spanFromFirstStartSeconds(), done, sampler);
            r.put("workers", "1 → 2 (at 20 %) → 3 (at 40 %) → 2 (at 60 %) → 1 (at 75 %)");
            if (!missed.isEmpty()) {
                r.put("milestones_not_reached_in_time", missed);
            }
            startup.report(r);
            accounting.check(r);
        }
    }

    /** Waits for a milestone of the rebalance scenario; not reaching it is noted, and the run goes on. */
    private static void milestone(Accounting accounting, long count, Instant giveUp, String name, List<String> missed)
            throws InterruptedException {
        if (!accounting.awaitAccounted(count, left(giveUp))) {
            missed.add(name);
        }
    }

    private static Duration left(Instant until) {
        Duration left = Duration.between(Instant.now(), until);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * Start-up excluded: an unmeasured round of the same kind of tasks, against its own stand-in,
     * warms the JIT, the HTTP client's connections and the consumer group before the clock starts.
     * Its tasks are accounted for like any others (a cold JVM's timeouts dead-letter some).
     */
    private static void warmUp(Harness h, String topic, Completions done, DeadLetterWatch dead, int count,
            Function<String, TaskRequest> task, Report r) throws Exception {
        try (StandInService service = new StandInService(50, 100, 0, 1_000)) {
            List<String> ids = h.publish(topic, count, i -> task.apply(service.url()));
            Accounting warm = Accounting.of("warm-up tasks", ids, done, dead, Accounting.Duplicates.COUNTED);
            warm.await(PATIENCE);
            warm.check(r);
        }
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
}
