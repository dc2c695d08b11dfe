package dev.jobwire.worker;

import dev.jobwire.wire.TopicNames;
import dev.jobwire.wire.TopicProvisioner;
import dev.jobwire.worker.backpressure.BackpressurePolicy;
import dev.jobwire.worker.backpressure.Watermarks;
import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.consumer.PollLoop;
import dev.jobwire.worker.deadletter.DeadLetterPublisher;
import dev.jobwire.worker.dispatch.Dispatcher;
import dev.jobwire.worker.execution.PolicyRegistry;
import dev.jobwire.worker.execution.TaskRunner;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.metrics.WorkerMetrics;
import dev.jobwire.worker.offsets.OffsetTracker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: wires the poll loop, dispatcher, task runner, dead-letter publisher and metrics
 * together and owns their lifecycle. {@link #start()} returns once the poll thread runs;
 * {@link #close()} is the graceful stop (also what SIGTERM triggers).
 *
 * <p>Thread-safety: start and close from one thread; status getters from any.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final HandlerRegistry handlers;
    private final WorkerMetrics metrics;
    private ExecutorService cpuPool;
    private DeadLetterPublisher deadLetters;
    private Dispatcher dispatcher;
    private PollLoop pollLoop;
    private Thread pollThread;
    private KafkaClientMetrics consumerMetrics;
    private KafkaClientMetrics producerMetrics;
    private boolean closed;

    public Worker(WorkerConfig config, HandlerRegistry handlers, MeterRegistry registry) {
        this.config = config;
        this.handlers = handlers;
        this.metrics = new WorkerMetrics(registry);
    }

    public Worker start() throws Exception {
        if (config.createTopics()) {
            createTopics();
        }
        cpuPool = ExecutorServiceMetrics.monitor(metrics.registry(),
                Executors.newFixedThreadPool(config.cpuThreads(), cpuThreadFactory()), "jobwire.cpu");
        deadLetters = new DeadLetterPublisher(clientProperties(), metrics::deadLetterWriteFailed);
        TaskRunner runner = new TaskRunner(handlers, new PolicyRegistry(config.defaultPolicy(), config.typePolicies()),
                cpuPool, deadLetters, metrics, config.instanceId(), Clock.systemUTC());
        dispatcher = new Dispatcher(config.maxInFlight(), config.cpuQueue(), config.ordering(), runner);

        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        int totalHigh = config.bufferCapacity() - config.maxPollRecords();
        BackpressurePolicy backpressure = new BackpressurePolicy(
                Watermarks.withHigh(config.partitionHighWatermark()), Watermarks.withHigh(Math.max(2, totalHigh)));
        OffsetTracker offsets = new OffsetTracker();
        pollLoop = new PollLoop(consumer, dispatcher, offsets, backpressure, new PollLoop.Settings(
                config.topics(), config.pollTimeout(), config.commitInterval(), config.revocationGrace(),
                config.shutdownGrace()));
        metrics.bindGauges(dispatcher::inFlight, dispatcher::active, dispatcher::buffered, pollLoop::pausedPartitions,
                pollLoop::assignedPartitions, offsets::oldestUnfinishedAgeSeconds, config.maxInFlight());
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(metrics.registry());
        producerMetrics = new KafkaClientMetrics(deadLetters.producer());
        producerMetrics.bindTo(metrics.registry());

        pollThread = new Thread(pollLoop, "jobwire-poll");
        pollThread.setUncaughtExceptionHandler((t, e) -> log.error("poll thread died", e));
        pollThread.start();
        log.info("worker {} started: topics {}, group {}, handlers {}, max in flight {}, cpu threads {} (queue {}), "
                        + "ordering {}, buffer capacity {}", config.instanceId(), config.topics(), config.groupId(),
                handlers.types(), config.maxInFlight(), config.cpuThreads(), config.cpuQueue(), config.ordering(),
                config.bufferCapacity());
        return this;
    }

    private void createTopics() throws Exception {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String topic : config.topics()) {
            topics.put(topic, config.topicPartitions());
            topics.put(TopicNames.deadLetterTopicFor(topic), Math.max(1, Math.min(3, config.topicPartitions())));
        }
        Properties props = clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            var created = TopicProvisioner.ensure(admin, topics, (short) 1, Map.of());
            if (!created.isEmpty()) {
                log.info("created topics {}", created);
            }
        }
    }

    private Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(config.kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return props;
    }

    private Properties consumerProperties() {
        Properties props = clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "jobwire-" + config.instanceId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
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

    private static java.util.concurrent.ThreadFactory cpuThreadFactory() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "jobwire-cpu-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The poll thread is running (false before start, after stop, or after a fatal error). */
    public boolean isRunning() {
        return pollThread != null && pollThread.isAlive();
    }

    public boolean isReady() {
        return pollLoop != null && pollLoop.isReady();
    }

    public boolean isAlive() {
        return pollLoop != null && pollLoop.isAlive();
    }

    public int inFlight() {
        return dispatcher == null ? 0 : dispatcher.inFlight();
    }

    /** Tasks started and not finished, including those in or waiting for a CPU step. */
    public int active() {
        return dispatcher == null ? 0 : dispatcher.active();
    }

    /** The most tasks ever in flight (holding I/O slots) at once. */
    public int maxInFlightSeen() {
        return dispatcher == null ? 0 : dispatcher.maxInFlightSeen();
    }

    public int buffered() {
        return dispatcher == null ? 0 : dispatcher.buffered();
    }

    public int pausedPartitions() {
        return pollLoop == null ? 0 : pollLoop.pausedPartitions();
    }

    /** Graceful stop: see {@link PollLoop}'s shutdown. Blocks until done. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (pollLoop == null || closed) {
            return;
        }
        closed = true;
        pollLoop.requestStop();
        Duration wait = config.shutdownGrace().plusSeconds(30);
        if (!pollLoop.awaitFinished(wait)) {
            log.error("poll loop did not stop within {} s", wait.toSeconds());
        }
        deadLetters.close();
        cpuPool.shutdownNow();
        cpuPool.awaitTermination(5, TimeUnit.SECONDS);
        consumerMetrics.close();
        producerMetrics.close();
        log.info("worker {} stopped", config.instanceId());
    }
}
