package dev.jobwire.load;

import dev.jobwire.config.Settings;
import dev.jobwire.producer.PublishReceipt;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.worker.config.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code failover}: three worker processes share a 12-partition topic under a steady load of I/O
 * tasks ({@code http.call} to the stand-in, which logs when each task was called); one is
 * SIGKILLed mid-load. Measured, for the classic group protocol and for the consumer protocol
 * (KIP-848) side by side, with the same session timeout: the time from the SIGKILL until each of
 * the killed worker's partitions has a task completed on another worker, the longest time with no
 * task completed at all, and the tasks run twice. Also the time from a worker process's start to
 * its first task, with tasks waiting.
 *
 * <p>What fails it is accounting only: every published task called the stand-in successfully (or
 * was dead-lettered with its reason), and the surviving workers committed every offset. Running a
 * task twice after a crash is at-least-once by design: counted, not failed.
 */
final class FailoverScenario {
    private static final List<String> PROTOCOLS = List.of("classic", "consumer");
    private static final int PARTITIONS = 12;
    /** The worker whose SIGKILL is measured. */
    private static final String VICTIM = "w2";

    /** How much load, and for how long, around the kill. */
    private record Size(int backlog, double perSecond, Duration beforeKill, Duration afterRecovery) {
    }

    private FailoverScenario() {
    }

    static void run(Harness h, Options o, Report r) throws Exception {
        Size size = o.smoke()
                ? new Size(40, 40, Duration.ofSeconds(3), Duration.ofSeconds(2))
                : new Size(200, 200, Duration.ofSeconds(20), Duration.ofSeconds(10));
        r.put("workers", "3 processes (dev.jobwire.worker.WorkerMain), 32 in flight each; " + VICTIM + " is SIGKILLed");
        r.put("load", size.perSecond() + " http.call tasks/s (20-40 ms at the stand-in) over " + PARTITIONS
                + " partitions; " + size.backlog() + " waiting before the first worker starts");
        r.put("session_timeout", h.workerSettings().getOrDefault("JOBWIRE_SESSION_TIMEOUT", "10s (the worker's default)"));
        try (Admin admin = h.admin()) {
            r.put("broker_allows", GroupState.brokerConfig(admin, "group.consumer.min.session.timeout.ms",
                    "group.consumer.max.session.timeout.ms", "group.consumer.session.timeout.ms",
                    "group.consumer.min.heartbeat.interval.ms", "group.min.session.timeout.ms", "group.max.session.timeout.ms"));
        }
        Path logs = Files.createTempDirectory("jobwire-failover-");
        r.put("worker_logs", logs.toString());
        Map<String, Map<String, Object>> byProtocol = new LinkedHashMap<>();
        for (String protocol : PROTOCOLS) {
            System.out.println("  failover with group.protocol=" + protocol + " ...");
            byProtocol.put(protocol, runOne(h, r, protocol, size, Files.createDirectories(logs.resolve(protocol))));
        }
        sideBySide(r, byProtocol);
    }

    /** One protocol's run; its figures in order, for the side-by-side report. */
    private static Map<String, Object> runOne(Harness h, Report r, String protocol, Size size, Path logs) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        // With its delay topic, as a deployment has it: each worker also runs its delay mover, in a group of its own.
        String topic = h.createTopicWithDelays("failover-" + protocol, PARTITIONS);
        String group = h.group("failover-" + protocol);
        DeadLetterWatch dead = h.watchDeadLetters(topic);
        CallLog calls = new CallLog();
        List<WorkerProcess> workers = new ArrayList<>();
        try (StandInService service = new StandInService(20, 40, 0, 10_000, calls);
                SteadyPublisher publisher = new SteadyPublisher(h.publisher(topic), n -> TaskRequest.builder("http.call")
                        .key(Integer.toString(n))
                        .payload("{\"url\":\"" + service.url() + "?" + CallLog.query(n) + "\",\"timeoutMs\":5000}").build());
                Admin admin = h.admin()) {
            publisher.publish(size.backlog());

            // Worker start to first task, with tasks waiting: one process alone, before the others join.
            WorkerProcess first = WorkerProcess.start("w1", env(h, topic, group, protocol, "w1"), logs);
            workers.add(first);
            awaitUntil("a first task called by w1", () -> calls.firstArrivedNanos() != Long.MAX_VALUE);
            out.put("process_start_to_first_task_s", (calls.firstArrivedNanos() - first.startedNanos()) / 1e9);
            long othersStarted = System.nanoTime();
            workers.add(WorkerProcess.start("w2", env(h, topic, group, protocol, "w2"), logs));
            workers.add(WorkerProcess.start("w3", env(h, topic, group, protocol, "w3"), logs));
            awaitUntil("three members sharing all " + PARTITIONS + " partitions", () -> sharedByThree(admin, group, topic));
            out.put("three_members_assigned_after_s", (System.nanoTime() - othersStarted) / 1e9);

            long steadyFrom = System.nanoTime();
            publisher.start(size.perSecond());
            Thread.sleep(size.beforeKill().toMillis());
            Set<Integer> killed = new TreeSet<>(GroupState.partitionsByClient(admin, group, topic)
                    .getOrDefault("jobwire-" + VICTIM, Set.of()));
            WorkerProcess victim = workers.get(1);
            if (killed.isEmpty()) {
                throw new IllegalStateException(VICTIM + " owned no partition of " + topic + " when it was to be killed");
            }
            long killedAt = System.nanoTime();
            victim.kill();
            out.put("killed_partitions", killed);
            awaitUntil("every partition of the killed worker to complete a task elsewhere", () -> FailoverTimeline.of(
                    calls.calls(), publisher::partitionOf, killedAt, killed, steadyFrom, System.nanoTime()).unrecovered() == 0);
            Thread.sleep(size.afterRecovery().toMillis());
            publisher.stop();
            long steadyTo = System.nanoTime();

            int published = publisher.published();
            List<String> ids = new ArrayList<>();
            for (int n = 0; n < published; n++) {
                if (publisher.receipt(n) != null) {
                    ids.add(Integer.toString(n));
                }
            }
            if (!publisher.failures().isEmpty()) {
                r.problem(protocol + ": " + publisher.failures().size() + " tasks could not be published, e.g. "
                        + publisher.failures().get(0));
            }
            Accounting accounting = new Accounting(protocol + " tasks", ids, id -> calls.successes(Integer.parseInt(id)),
                    id -> {
                        PublishReceipt receipt = publisher.receipt(Integer.parseInt(id));
                        return receipt == null ? null : dead.reasonOf(receipt.taskId());
                    }, Accounting.Duplicates.COUNTED);
            accounting.await(Scenarios.PATIENCE);
            accounting.check(r);
            long uncommitted = awaitCommitted(admin, group, GroupState.endOffsets(admin, topic));
            if (uncommitted > 0) {
                r.problem(protocol + ": every task ran, but " + uncommitted + " offsets were still uncommitted a minute later");
            }
            // Classic: the member asks for its session when it joins; consumer protocol: the worker sets the group's.
            out.put("session_timeout_ms", protocol.equals("classic")
                    ? WorkerConfig.from(new Settings(env(h, topic, group, protocol, "w1"))).sessionTimeout().toMillis()
                            + " (the members' session.timeout.ms)"
                    : GroupState.groupConfig(admin, group, "consumer.session.timeout.ms").get("consumer.session.timeout.ms")
                            + " (the group's consumer.session.timeout.ms, read back from the broker)");

            FailoverTimeline timeline = FailoverTimeline.of(calls.calls(), publisher::partitionOf, killedAt, killed,
                    steadyFrom, steadyTo);
            out.put("recovery_s_by_partition", timeline.recoverySecondsByPartition());
            out.put("recovery_max_s", timeline.maxRecoverySeconds());
            out.put("longest_gap_without_completions_s", timeline.longestGapSeconds());
            out.put("longest_gap_began_s_after_kill", timeline.longestGapStartSeconds());
            out.put("tasks_published", ids.size());
            out.put("duplicate_runs", timeline.duplicates());
            out.put("tasks_run_more_than_once", timeline.tasksRunMoreThanOnce());
            out.put("uncommitted_at_end", uncommitted);
            List<Integer> exits = new ArrayList<>();
            for (WorkerProcess worker : workers) {
                if (worker != victim) {
                    exits.add(worker.stop(Duration.ofSeconds(60)));
                }
            }
            out.put("sigterm_exit_codes", exits);
        } finally {
            for (WorkerProcess worker : workers) {
                worker.close();
            }
        }
        return out;
    }

    private static Map<String, String> env(Harness h, String topic, String group, String protocol, String name) {
        Map<String, String> env = h.workerEnv(topic, group);
        env.put("JOBWIRE_INSTANCE_ID", name);
        env.put("JOBWIRE_GROUP_PROTOCOL", protocol);
        env.put("JOBWIRE_HTTP_HOST", "127.0.0.1");
        env.put("JOBWIRE_HTTP_PORT", "0");
        env.put("JOBWIRE_MAX_IN_FLIGHT", "32");
        env.putAll(h.workerSettings());
        return env;
    }

    private static boolean sharedByThree(Admin admin, String group, String topic) throws Exception {
        Map<String, Set<Integer>> owned = GroupState.partitionsByClient(admin, group, topic);
        Set<Integer> all = new TreeSet<>();
        owned.values().forEach(all::addAll);
        return owned.size() == 3 && owned.values().stream().noneMatch(Set::isEmpty) && all.size() == PARTITIONS;
    }

    /** Polls until nothing is uncommitted, for at most a minute; returns what is still uncommitted. */
    private static long awaitCommitted(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        long uncommitted;
        while ((uncommitted = GroupState.uncommitted(admin, group, ends)) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return uncommitted;
    }

    private interface Condition {
        boolean met() throws Exception;
    }

    private static void awaitUntil(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Scenarios.PATIENCE.toNanos();
        while (!condition.met()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + Scenarios.PATIENCE.toMinutes()
                        + " minutes");
            }
            Thread.sleep(20);
        }
    }

    /** Each figure once, with the two protocols' values beside each other. */
    private static void sideBySide(Report r, Map<String, Map<String, Object>> byProtocol) {
        List<String> keys = new ArrayList<>();
        byProtocol.values().forEach(m -> m.keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add));
        for (String key : keys) {
            Map<String, Object> values = new LinkedHashMap<>();
            byProtocol.forEach((protocol, m) -> values.put(protocol, round(m.get(key))));
            r.put(key, values);
        }
    }

    private static Object round(Object value) {
        if (value instanceof Double d) {
            return Math.round(d * 1000) / 1000.0;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> rounded = new LinkedHashMap<>();
            map.forEach((k, v) -> rounded.put(k, round(v)));
            return rounded;
        }
        return value;
    }
}
