package dev.jobwire.worker;

import dev.jobwire.kafka.ProducerSettings;
import dev.jobwire.wire.DelayTiers;
import dev.jobwire.worker.admission.Admission;
import dev.jobwire.worker.admission.OrderingMode;
import dev.jobwire.worker.backpressure.BackpressurePolicy;
import dev.jobwire.worker.backpressure.Watermarks;
import dev.jobwire.worker.completion.AcknowledgedWrites;
import dev.jobwire.worker.completion.TaskFinisher;
import dev.jobwire.worker.completion.WriteHealth;
import dev.jobwire.worker.config.ConsumerMode;
import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.deadletter.DeadLetterWriter;
import dev.jobwire.worker.delay.DelayedTasks;
import dev.jobwire.worker.delay.RetryHandOff;
import dev.jobwire.worker.delay.TierMover;
import dev.jobwire.worker.execution.PolicyRegistry;
import dev.jobwire.worker.execution.TaskRunner;
import dev.jobwire.worker.execution.TaskThreads;
import dev.jobwire.worker.execution.TaskTimer;
import dev.jobwire.worker.execution.TypeBindings;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.metrics.WorkerMetrics;
import dev.jobwire.worker.source.TaskSource;
import dev.jobwire.worker.source.group.GroupSource;
import dev.jobwire.worker.source.share.ShareSource;
import dev.jobwire.worker.source.share.ShareSources;
import dev.jobwire.worker.topics.TopicLayout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a running worker, wired once the broker answered and the topics are known:
 * source → admission → task threads → finisher (dead letters, delayed tasks) → source.
 *
 * <p>Thread-safety: built and closed by the worker's own thread; the getters are safe from any.
 */
final class WorkerParts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerParts.class);
    /** How long a write that is on its way may take to be answered (the producer's delivery timeout). */
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(20);
    /** Revocation and shutdown wait this long for writes on their way. */
    static final Duration WRITE_GRACE = DELIVERY_TIMEOUT.plusSeconds(5);
    /** The delay movers of a worker group are the group {@code <JOBWIRE_GROUP_ID>.delays}. */
    static final String DELAY_GROUP_SUFFIX = ".delays";

    final TaskThreads threads;
    final TaskSource source;
    final WriteHealth writeHealth;
    /** Moves delayed tasks through the tiers; null when no task topic has a delay topic. */
    final TierMover delays;
    private final Thread delayThread;
    private final GroupSource groupSource;
    private final ExecutorService cpuPool;
    private final KafkaProducer<byte[], byte[]> producer;
    private final TaskTimer timer;
    private final KafkaClientMetrics consumerMetrics;
    private final KafkaClientMetrics producerMetrics;

    /** @param groupSource the source when it is a consumer group's, else null; so is {@code consumerMetrics} */
    private WorkerParts(TaskThreads threads, TaskSource source, GroupSource groupSource, WriteHealth writeHealth,
            TierMover delays,
            ExecutorService cpuPool, KafkaProducer<byte[], byte[]> producer, TaskTimer timer,
            KafkaClientMetrics consumerMetrics, KafkaClientMetrics producerMetrics) {
        this.threads = threads;
        this.delays = delays;
        this.delayThread = delays == null ? null : Thread.ofPlatform().name("jobwire-delays").start(delays);
        this.source = source;
        this.groupSource = groupSource;
        this.writeHealth = writeHealth;
        this.cpuPool = cpuPool;
        this.producer = producer;
        this.timer = timer;
        this.consumerMetrics = consumerMetrics;
        this.producerMetrics = producerMetrics;
    }

    static WorkerParts build(WorkerConfig config, HandlerRegistry handlers, PolicyRegistry policies, WorkerMetrics metrics,
            MeterRegistry registry, TopicLayout layout) {
        ExecutorService cpuPool = ExecutorServiceMetrics.monitor(registry,
                Executors.newFixedThreadPool(config.cpuThreads(), cpuThreadFactory()), "jobwire.cpu");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(config, layout),
                new ByteArraySerializer(), new ByteArraySerializer());
        WriteHealth writeHealth = new WriteHealth();
        AcknowledgedWrites writes = new AcknowledgedWrites(producer, writeHealth, Duration.ofMillis(500), Duration.ofSeconds(30));
        DelayedTasks delayed = new DelayedTasks(writes, layout);
        TaskFinisher finisher = new TaskFinisher(new DeadLetterWriter(writes), delayed, metrics, config.instanceId());
        TaskRunner runner = new TaskRunner(new TypeBindings(handlers, policies, metrics), cpuPool, finisher,
                new RetryHandOff(config.retryHandOff(), config.ordering() == OrderingMode.KEY, delayed), DelayTiers.SMALLEST);
        TaskThreads threads = new TaskThreads(config.maxInFlight(), config.cpuQueue(), runner);
        TaskTimer timer = new TaskTimer(threads, threads.admission()).start();
        if (config.consumerMode() == ConsumerMode.SHARE) {
            ShareSource share = ShareSources.build(config, threads, adminProperties(config)).bindMetrics(metrics);
            KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(registry);
            commonGauges(metrics, config, threads.admission(), share, writeHealth);
            TierMover delays = delayMover(config, layout, producer, metrics);
            return new WorkerParts(threads, share, null, writeHealth, delays, cpuPool, producer, timer, null,
                    producerMetrics);
        }

        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(config),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        int totalHigh = config.bufferCapacity() - config.maxPollRecords();
        BackpressurePolicy backpressure = new BackpressurePolicy(
                Watermarks.withHigh(config.partitionHighWatermark()), Watermarks.withHigh(Math.max(2, totalHigh)));
        GroupSource source = new GroupSource(consumer, threads, backpressure, new GroupSource.Settings(config.topics(),
                config.pollTimeout(), config.commitInterval(), config.revocationGrace(), config.shutdownGrace(), WRITE_GRACE,
                config.ordering(), config.partitionWriteLimit(), 16L * 1024 * 1024));

        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        metrics.gauge("jobwire.partitions.paused", "Partitions paused for backpressure", null, source::pausedPartitions)
                .gauge("jobwire.partitions.assigned", "Partitions assigned to this worker", null, source::assignedPartitions);
        commonGauges(metrics, config, threads.admission(), source, writeHealth);
        TierMover delays = delayMover(config, layout, producer, metrics);
        return new WorkerParts(threads, source, source, writeHealth, delays, cpuPool, producer, timer, consumerMetrics,
                producerMetrics);
    }

    /** The meters of either source. */
    private static void commonGauges(WorkerMetrics metrics, WorkerConfig config, Admission admission, TaskSource source,
            WriteHealth writeHealth) {
        metrics.gauge("jobwire.tasks.in_flight", "Tasks holding an I/O slot (not in a CPU step)", null, admission::inFlight)
                .gauge("jobwire.tasks.in_flight.max", "The in-flight cap", null, config::maxInFlight)
                .gauge("jobwire.tasks.active", "Tasks started and not finished, CPU steps included", null, admission::active)
                .gauge("jobwire.buffer.records", "Records received and not started (held until due included)", null,
                        admission::buffered)
                .gauge("jobwire.tasks.oldest_unfinished.age", "How long the oldest received but unfinished record has "
                        + "been in this worker; its offset holds its partition's commits back", "seconds",
                        source::oldestUnfinishedAgeSeconds)
                .gauge("jobwire.writes.pending", "Dead-letter and delayed-task writes not yet acknowledged", null,
                        writeHealth::pending)
                .counter("jobwire.dead_letters.write_failures",
                        "Dead-letter and delayed-task writes the broker did not acknowledge (each is retried)",
                        writeHealth::failures);
    }

    /** The mover of the delay topics the task topics have, in its own consumer group; null if none has one. */
    private static TierMover delayMover(WorkerConfig config, TopicLayout layout, KafkaProducer<byte[], byte[]> producer,
            WorkerMetrics metrics) {
        Map<String, DelayTiers> tiers = new LinkedHashMap<>();
        layout.byTaskTopic().forEach((topic, task) -> {
            if (task.tiers() != null) {
                tiers.put(topic, task.tiers());
            }
        });
        if (tiers.isEmpty()) {
            return null;
        }
        Properties props = consumerProperties(config);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + DELAY_GROUP_SUFFIX);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "jobwire-delays-" + config.instanceId());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        TierMover mover = new TierMover(new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                producer, tiers, metrics.timer("jobwire.delay.move.lateness",
                        "How long after its time in its tier was up a delayed task was moved on: the delay mover's lag"));
        int maxTiers = tiers.values().stream().mapToInt(DelayTiers::count).max().orElse(0);
        for (int tier = 0; tier < maxTiers; tier++) {
            int t = tier;
            metrics.gauge("jobwire.delay.waiting", "Delayed tasks waiting in a tier of the delay topics, as seen by this worker",
                    null, () -> mover.waiting(t), "tier", DelayTiers.delayOf(tier).toSeconds() + "s");
        }
        metrics.counter("jobwire.delay.moved", "Delayed tasks moved on, by destination", mover::movedToTier, "to", "tier")
                .counter("jobwire.delay.moved", "Delayed tasks moved on, by destination", mover::movedToTaskTopic, "to",
                        "task_topic");
        return mover;
    }

    private static Properties clientProperties(WorkerConfig config) {
        Properties props = new Properties();
        props.putAll(config.kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return props;
    }

    /** The worker's admin client: topic set-up, group session, broker probe; each call gives up within seconds. */
    static Properties adminProperties(WorkerConfig config) {
        Properties props = clientProperties(config);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "jobwire-admin-" + config.instanceId());
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return props;
    }

    private static Map<String, Object> producerProperties(WorkerConfig config, TopicLayout layout) {
        Map<String, Object> props = ProducerSettings.idempotent(clientProperties(config));
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "jobwire-writes-" + config.instanceId());
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(DELIVERY_TIMEOUT.toMillis()));
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Large enough for any dead letter or retry the topics accept; the topics' own limits decide.
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(layout.largestWrite() + 64 * 1024));
        return props;
    }

    private static Properties consumerProperties(WorkerConfig config) {
        Properties props = clientProperties(config);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "jobwire-" + config.instanceId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, config.groupProtocol());
        if (config.groupProtocol().equals("classic")) {
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(config.sessionTimeout().toMillis()));
            props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(heartbeat(config).toMillis()));
        } else {
            // The consumer protocol assigns on the broker and keeps session timing there (group configs).
            for (String brokerSide : new String[] {ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG}) {
                if (props.remove(brokerSide) != null) {
                    log.warn("{} is ignored with group.protocol=consumer: the broker's group settings apply", brokerSide);
                }
            }
        }
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Bounded fetch memory: the consumer's own buffers count toward the worker's footprint.
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(1024 * 1024));
        // A fetch for only caught-up partitions waits at the broker this long, and a partition resumed
        // meanwhile cannot be fetched before it returns: Kafka's 500 ms stalled every resume.
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        return props;
    }

    /** A third of the session, at least a second: three heartbeats may be lost before the session ends. */
    static Duration heartbeat(WorkerConfig config) {
        Duration third = config.sessionTimeout().dividedBy(3);
        return third.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : third;
    }

    private static ThreadFactory cpuThreadFactory() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "jobwire-cpu-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    int assignedPartitions() {
        return groupSource == null ? 0 : groupSource.assignedPartitions();
    }

    int pausedPartitions() {
        return groupSource == null ? 0 : groupSource.pausedPartitions();
    }

    @Override
    public void close() throws InterruptedException {
        if (delays != null) {
            delays.requestStop();
            delays.awaitFinished(Duration.ofSeconds(30));
            delayThread.join(TimeUnit.SECONDS.toMillis(5));
        }
        timer.close();
        producer.close(Duration.ofSeconds(10));
        cpuPool.shutdownNow();
        cpuPool.awaitTermination(5, TimeUnit.SECONDS);
        if (consumerMetrics != null) {
            consumerMetrics.close();
        }
        producerMetrics.close();
    }
}
