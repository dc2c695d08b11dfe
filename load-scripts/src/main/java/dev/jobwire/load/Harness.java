package dev.jobwire.load;

import dev.jobwire.config.Settings;
import dev.jobwire.producer.PublishReceipt;
import dev.jobwire.producer.PublisherConfig;
import dev.jobwire.producer.TaskPublisher;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.wire.TopicNames;
import dev.jobwire.wire.TopicProvisioner;
import dev.jobwire.worker.Worker;
import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.metrics.WorkerMetrics;
import dev.jobwire.worker.topics.TopicSetup;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What every scenario needs: fresh topics on the broker, a publisher, in-process workers whose
 * handlers are observed by {@link Completions}, watches on dead-letter topics, and a raw consumer
 * for the machine's ceiling. Each scenario uses its own topics and group; on a broker given by
 * address they are deleted at the end.
 *
 * <p>Not thread-safe: one scenario's thread uses it.
 */
public final class Harness implements AutoCloseable {
    private final String bootstrap;
    private final boolean deleteTopics;
    private final Map<String, String> workerSettings;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> topics = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private final Map<Worker, MeterRegistry> meters = new HashMap<>();
    private final Map<Worker, Long> startedNanos = new HashMap<>();
    private final List<DeadLetterWatch> watches = new ArrayList<>();

    /**
     * @param deleteTopics delete the scenario's topics at the end: for a broker that outlives the run.
     *                     (A local broker is thrown away whole; deleting big topics there while the next
     *                     scenario creates its own only slows it, and has made a new topic's first
     *                     writes fail.)
     */
    public Harness(String bootstrap, boolean deleteTopics, Map<String, String> workerSettings) {
        this.bootstrap = bootstrap;
        this.deleteTopics = deleteTopics;
        this.workerSettings = Map.copyOf(workerSettings);
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** Creates {@code load.<name>.<run>} with its dead-letter topic and returns its name. */
    public String createTopic(String name, int partitions) throws Exception {
        String topic = "load." + name + "." + runId;
        try (Admin admin = admin()) {
            TopicProvisioner.ensure(admin, Map.of(topic, partitions, TopicNames.deadLetterTopicFor(topic), 3), (short) 1, Map.of());
        }
        topics.add(topic);
        topics.add(TopicNames.deadLetterTopicFor(topic));
        return topic;
    }

    /**
     * Creates {@code load.<name>.<run>} with its dead-letter and delay topics, as a worker that
     * creates its topics would ({@link TopicSetup}): the delay topic with one partition per tier.
     */
    public String createTopicWithDelays(String name, int partitions) throws Exception {
        String topic = "load." + name + "." + runId;
        try (Admin admin = admin()) {
            new TopicSetup(admin, List.of(topic), true, partitions).run();
        }
        topics.add(topic);
        topics.add(TopicNames.deadLetterTopicFor(topic));
        topics.add(TopicNames.delayTopicFor(topic));
        return topic;
    }

    public String group(String name) {
        return "load." + name + "." + runId;
    }

    /** Worker settings as the service reads them from its environment; scenarios add their own. */
    public Map<String, String> workerEnv(String topic, String group) {
        Map<String, String> env = new HashMap<>();
        env.put("JOBWIRE_BOOTSTRAP_SERVERS", bootstrap);
        env.put("JOBWIRE_TOPICS", topic);
        env.put("JOBWIRE_GROUP_ID", group);
        env.put("JOBWIRE_CREATE_TOPICS", "false");
        env.put("JOBWIRE_INSTANCE_ID", "load-" + workers.size());
        return env;
    }

    /** The command line's {@code --worker} settings. */
    public Map<String, String> workerSettings() {
        return workerSettings;
    }

    /** Starts a worker with {@code env} plus the command line's {@code --worker} settings, which win. */
    public Worker startWorker(Map<String, String> env, Completions completions) throws Exception {
        return startWorker(env, completions.wrap(HandlerRegistry.discover()));
    }

    /** As {@link #startWorker(Map, Completions)}, with these handlers. */
    public Worker startWorker(Map<String, String> env, HandlerRegistry handlers) throws Exception {
        env = new HashMap<>(env);
        env.putAll(workerSettings);
        // The registry the worker service publishes to, so the scenario pays what the service pays.
        MeterRegistry registry = WorkerMetrics.prometheusRegistry();
        WorkerConfig config = WorkerConfig.from(new Settings(env));
        long started = System.nanoTime();
        Worker worker = new Worker(config, handlers, registry).start();
        workers.add(worker);
        meters.put(worker, registry);
        startedNanos.put(worker, started);
        return worker;
    }

    /** When {@code new Worker(...).start()} was called for {@code worker} ({@link System#nanoTime()}). */
    public long startedNanos(Worker worker) {
        return startedNanos.get(worker);
    }

    /** Sum of one of {@code worker}'s counters over all its tags (e.g. {@code jobwire.tasks.retried}). */
    public long counter(Worker worker, String name) {
        // The worker's counters are read at scrape time (function counters).
        return (long) meters.get(worker).find(name).functionCounters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** Starts reading {@code topic}'s dead-letter topic; stopped when the harness closes. */
    public DeadLetterWatch watchDeadLetters(String topic) {
        DeadLetterWatch watch = new DeadLetterWatch(bootstrap, topic);
        watches.add(watch);
        return watch;
    }

    /** Waits until the worker joined its group and was assigned partitions. */
    public void awaitReady(Worker worker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!worker.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("worker not ready within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    public TaskPublisher publisher(String topic) {
        return TaskPublisher.create(PublisherConfig.builder(bootstrap).defaultTopic(topic)
                .kafkaProperty("linger.ms", "5")
                .kafkaProperty("batch.size", "262144")
                .build());
    }

    /**
     * Publishes {@code count} tasks made by {@code task} and waits for every acknowledgement.
     *
     * @return the task ids, in publish order
     */
    public List<String> publish(String topic, int count, IntFunction<TaskRequest> task) throws Exception {
        List<String> ids = new ArrayList<>(count);
        try (TaskPublisher publisher = publisher(topic)) {
            List<CompletableFuture<PublishReceipt>> pending = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                pending.add(publisher.publish(task.apply(i)));
                if (pending.size() == 10_000) {
                    drain(pending, ids);
                }
            }
            drain(pending, ids);
        }
        return ids;
    }

    private static void drain(List<CompletableFuture<PublishReceipt>> pending, List<String> ids) throws Exception {
        for (CompletableFuture<PublishReceipt> future : pending) {
            ids.add(future.get(2, TimeUnit.MINUTES).taskId());
        }
        pending.clear();
    }

    /** Reads every record of {@code topic} with a plain consumer and returns records per second. */
    public double rawConsumerRate(String topic, long expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group("raw"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            long start = System.nanoTime();
            while (read < expected) {
                read += consumer.poll(Duration.ofMillis(500)).count();
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(5)) {
                    break;
                }
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Stops every worker still running and deletes the scenario's topics. */
    @Override
    public void close() throws Exception {
        for (Worker worker : workers) {
            worker.close();
        }
        for (DeadLetterWatch watch : watches) {
            watch.close();
        }
        if (deleteTopics && !topics.isEmpty()) {
            try (Admin admin = admin()) {
                admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("could not delete topics " + topics + ": " + e);
            }
        }
    }
}
