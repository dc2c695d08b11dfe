package dev.jobwire.load;

import dev.jobwire.producer.TaskRequest;
import dev.jobwire.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Scenario {@code share-scaling}: tasks per second of 1, 2, 4 and 8 workers on a 2-partition topic
 * with I/O-bound tasks ({@code sleep}, 100 ms; 4 in flight per worker), in a consumer group
 * ({@code JOBWIRE_CONSUMER_MODE=group}) beside a share group ({@code share}). A consumer group
 * cannot use more workers than partitions; a share group can. Each round has its own topic and
 * group, and publishes only once every worker is a member, so no worker starts with a head start.
 * Speed is reported, never asserted: accounting is checked (every task succeeded exactly once).
 *
 * <p>Not thread-safe: one scenario thread.
 */
final class ShareScaling {
    private static final int PARTITIONS = 2;
    private static final int IN_FLIGHT = 4;
    private static final int[] WORKERS = {1, 2, 4, 8};

    private ShareScaling() {
    }

    static void run(Harness h, Options o, Report r) throws Exception {
        int n = o.count(2_000, 80);
        int sleepMs = o.smoke() ? 10 : 100;
        r.put("tasks_per_round", n);
        r.put("task", "sleep " + sleepMs + " ms (I/O-bound), " + IN_FLIGHT + " in flight per worker, " + PARTITIONS
                + " partitions");
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String mode : List.of("group", "share")) {
            List<Double> modeRates = new ArrayList<>();
            for (int workers : WORKERS) {
                Map<String, Object> row = round(h, o, r, mode, workers, n, sleepMs);
                rows.add(row);
                modeRates.add((Double) row.get("tasks_per_second"));
            }
            rates.put(mode, modeRates);
        }
        r.put("rounds", rows);
        for (Map<String, Object> row : rows) {
            r.put(row.get("mode") + "_" + row.get("workers") + "_workers_tasks_per_second", row.get("tasks_per_second"));
        }
        List<String> labels = new ArrayList<>();
        for (int workers : WORKERS) {
            labels.add(workers + (workers == 1 ? " worker" : " workers"));
        }
        r.bars("tasks per second on " + PARTITIONS + " partitions (ideal: " + (IN_FLIGHT * 1000 / sleepMs)
                + " per worker)", labels, rates);
    }

    private static Map<String, Object> round(Harness h, Options o, Report r, String mode, int workerCount, int n,
            int sleepMs) throws Exception {
        String name = "share-scaling-" + mode + "-" + workerCount;
        String topic = h.createTopic(name, PARTITIONS);
        String group = h.group(name);
        DeadLetterWatch dead = h.watchDeadLetters(topic);
        Completions done = new Completions(n, true);
        List<Worker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < workerCount; i++) {
                Map<String, String> env = h.workerEnv(topic, group);
                env.put("JOBWIRE_CONSUMER_MODE", mode);
                env.put("JOBWIRE_MAX_IN_FLIGHT", Integer.toString(IN_FLIGHT));
                workers.add(h.startWorker(env, done));
            }
            for (Worker worker : workers) {
                h.awaitReady(worker, Scenarios.PATIENCE);
            }
            awaitMembers(h, group, mode, workerCount);
            // Keyed, so the tasks spread over both partitions (unkeyed small records stick to one batch, one partition).
            List<String> ids = h.publish(topic, n, i -> TaskRequest.builder("sleep").key("task-" + i)
                    .payload("{\"ms\":" + sleepMs + "}").build());
            Accounting accounting = Accounting.of(mode + " " + workerCount + " worker(s): tasks", ids, done, dead,
                    Accounting.Duplicates.FORBIDDEN);
            accounting.await(Scenarios.PATIENCE);
            double seconds = done.spanSeconds();
            accounting.check(r);
            List<Long> perWorker = new ArrayList<>();
            for (Worker worker : workers) {
                perWorker.add(h.counter(worker, "jobwire.tasks.succeeded"));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("mode", mode);
            row.put("workers", workerCount);
            row.put("seconds", Math.round(seconds * 1000) / 1000.0);
            row.put("tasks_per_second", Math.round(n / seconds * 10) / 10.0);
            row.put("tasks_per_worker", perWorker);
            row.put("workers_that_ran_tasks", perWorker.stream().filter(c -> c > 0).count());
            System.out.printf("  %-5s %d worker(s): %.1f tasks/s, per worker %s%n", mode, workerCount, n / seconds, perWorker);
            return row;
        } finally {
            for (Worker worker : workers) {
                worker.close();
            }
        }
    }

    /** Every worker is a member of the group (in a consumer group, the first {@link #PARTITIONS} own a partition). */
    private static void awaitMembers(Harness h, String group, String mode, int workers) throws Exception {
        long deadline = System.nanoTime() + Scenarios.PATIENCE.toNanos();
        try (Admin admin = h.admin()) {
            while (true) {
                int members;
                try {
                    members = mode.equals("share")
                            ? (int) admin.describeShareGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group)
                                    .members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count()
                            : admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group)
                                    .members().size();
                } catch (Exception e) {
                    members = 0; // the group does not exist yet
                }
                if (members >= workers) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(workers + " workers did not all join " + mode + " group " + group
                            + " within " + Scenarios.PATIENCE);
                }
                Thread.sleep(Duration.ofMillis(200));
            }
        }
    }
}
