package dev.jobwire.load;

import dev.jobwire.producer.PublishReceipt;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.wire.TopicNames;
import dev.jobwire.worker.Worker;
import dev.jobwire.worker.handler.HandlerRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code delayed} (issue 15): tasks published through the producer library with random delays
 * (1 ms up to a minute), run by one worker through its task topic's delay topic. Reported: how
 * late each task started after it was due (p50, p99, max), the hops through the tiers, and the
 * heap after GC over the run (it should stay flat: tasks wait in Kafka, not in memory).
 *
 * <p>What fails it: a task that started before it was due (the one correctness failure of delays),
 * a task that never ran (nor was dead-lettered), and a task that ran twice.
 */
final class DelayedScenario {
    private DelayedScenario() {
    }

    static void run(Harness h, Options o, Report r) throws Exception {
        int n = o.count(100_000, 300);
        Duration maxDelay = o.smoke() ? Duration.ofSeconds(10) : Duration.ofSeconds(60);
        String topic = h.createTopicWithDelays("delayed", 12);
        DeadLetterWatch dead = h.watchDeadLetters(topic);
        StartRecorder starts = new StartRecorder(n);
        List<String> numbers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            numbers.add(Integer.toString(i));
        }
        Worker worker = h.startWorker(h.workerEnv(topic, h.group("delayed")),
                new HandlerRegistry().register(StartRecorder.TYPE, starts));
        h.awaitReady(worker, Scenarios.PATIENCE);
        System.gc();
        long heapBefore = Sampler.heapAfterGcMb();

        SplittableRandom random = new SplittableRandom(42);
        long publishStart = System.nanoTime();
        List<Sampler.Sample> samples;
        try (Sampler sampler = new Sampler(250, starts::started, worker::inFlight, worker::buffered);
                SteadyPublisher publisher = new SteadyPublisher(h.publisher(topic), i -> TaskRequest.builder(StartRecorder.TYPE)
                        .payload(StartRecorder.payload(i)).delay(Duration.ofMillis(1 + random.nextLong(maxDelay.toMillis())))
                        .build())) {
            publisher.publish(n);
            r.put("publish_seconds", (System.nanoTime() - publishStart) / 1e9);
            if (!publisher.failures().isEmpty()) {
                r.problem(publisher.failures().size() + " tasks could not be published, e.g. " + publisher.failures().get(0));
            }
            Accounting accounting = new Accounting("tasks", numbers, i -> starts.runs(Integer.parseInt(i)), i -> {
                PublishReceipt receipt = publisher.receipt(Integer.parseInt(i));
                return receipt == null ? null : dead.reasonOf(receipt.taskId());
            }, Accounting.Duplicates.FORBIDDEN);
            accounting.await(maxDelay.plus(Scenarios.PATIENCE));
            r.put("total_seconds", (System.nanoTime() - publishStart) / 1e9);
            sampler.close();
            samples = sampler.samples();
            accounting.check(r);
            reportHops(h, topic, publisher, n, r);
        }
        r.timeline(samples);
        r.put("tasks", n);
        r.put("delays", "uniform from 1 ms to " + maxDelay.toSeconds() + " s, published at once");

        long[] lateness = starts.sortedLatenessMicros();
        r.put("lateness_p50_ms", StartRecorder.percentileMs(lateness, 50));
        r.put("lateness_p99_ms", StartRecorder.percentileMs(lateness, 99));
        r.put("lateness_max_ms", StartRecorder.percentileMs(lateness, 100));
        r.put("lateness_min_ms", StartRecorder.percentileMs(lateness, 0));
        r.put("started_early", starts.startedEarly());
        if (starts.startedEarly() > 0) {
            r.problem(starts.startedEarly() + " task runs started before their task was due (the earliest "
                    + starts.earliestMs() + " ms early)");
        }
        if (starts.foreign() > 0) {
            r.problem(starts.foreign() + " runs of tasks this scenario did not publish");
        }

        int half = samples.size() / 2;
        System.gc();
        r.put("heap_after_gc_before_mb", heapBefore);
        r.put("heap_after_gc_max_first_half_mb", Report.max(samples.subList(0, half), Sampler.Sample::heapAfterGcMb));
        r.put("heap_after_gc_max_second_half_mb", Report.max(samples.subList(half, samples.size()),
                Sampler.Sample::heapAfterGcMb));
        r.put("heap_after_gc_end_mb", Sampler.heapAfterGcMb());
        r.put("heap_used_max_mb", Report.max(samples, Sampler.Sample::heapUsedMb));
        r.put("buffered_max", (long) Report.max(samples, Sampler.Sample::buffered));
    }

    /**
     * How the tasks travelled, counted from the topics' end offsets: records written to the delay
     * topic beyond the publisher's are moves between tiers; records on the task topic beyond the
     * publisher's came out of the delay topic.
     */
    private static void reportHops(Harness h, String topic, SteadyPublisher publisher, int n, Report r) throws Exception {
        long viaDelayTopic = 0;
        for (int i = 0; i < n; i++) {
            PublishReceipt receipt = publisher.receipt(i);
            if (receipt != null && receipt.topic().equals(TopicNames.delayTopicFor(topic))) {
                viaDelayTopic++;
            }
        }
        try (Admin admin = h.admin()) {
            long delayRecords = sum(GroupState.endOffsets(admin, TopicNames.delayTopicFor(topic)));
            long taskRecords = sum(GroupState.endOffsets(admin, topic));
            long betweenTiers = delayRecords - viaDelayTopic;
            long outOfDelayTopic = taskRecords - (n - viaDelayTopic);
            r.put("published_to_delay_topic", viaDelayTopic);
            r.put("published_to_task_topic", n - viaDelayTopic);
            r.put("moves_between_tiers", betweenTiers);
            r.put("moves_to_task_topic", outOfDelayTopic);
            r.put("hops_per_task_via_delay_topic", viaDelayTopic == 0 ? 0 : (double) (betweenTiers + outOfDelayTopic) / viaDelayTopic);
        }
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
