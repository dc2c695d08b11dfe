package dev.jobwire.viewer.kafka;

import dev.jobwire.viewer.ViewerConfig;
import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.EntryDecoder;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.audit.AuditLog;
import dev.jobwire.wire.TopicNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that reads Kafka for the viewer: the dead-letter topics (into the index), the
 * marks topic (into the mark store) and the audit topic (into the audit log). Partitions are
 * assigned by hand (no consumer group, nothing committed). Dead-letter partitions start at the
 * newest {@code maxPerTopic} records; marks from the beginning; audit at its newest records. Topics
 * are rediscovered every {@code discoveryInterval}.
 *
 * <p>Never silently blind: a failing poll is retried and reported as {@code RETRYING}, and anything
 * that kills the thread (an {@link Error} such as {@link OutOfMemoryError}) is caught, logged and
 * reported as {@code FAILED} in {@link ReaderHealth}, which makes the viewer not ready and the page
 * say so. Fetches are sized from the heap so that reading cannot take more than a sixteenth of it.
 *
 * <p>Thread-safety: the consumer is owned by the follower thread; {@link #isReady()},
 * {@link #health()} and {@link #close()} may be called from any thread.
 */
public final class TopicFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    /** No successful poll for this long: the reader is stalled and the viewer not ready. */
    public static final Duration STALL_AFTER = Duration.ofSeconds(30);

    private final ViewerConfig config;
    private final DeadLetterIndex index;
    private final MarkStore marks;
    private final AuditLog audit;
    private final EntryDecoder decoder;
    private final ReaderHealth health = new ReaderHealth(STALL_AFTER);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaClientMetrics clientMetrics;
    private final Counter decodeErrors;
    private final Counter indexed;
    private final Thread thread;
    /**
     * Heap set aside for {@link #stopped}: released when the reader dies, so that an
     * {@link OutOfMemoryError} can still be recorded and answered. Never read (follower thread only).
     */
    private byte[] heapReserve = new byte[(int) Math.min(8L << 20, Runtime.getRuntime().maxMemory() / 32)];
    private volatile boolean running = true;
    /** Follower thread only: everything present at start-up has been read. */
    private boolean caughtUp;
    private volatile List<String> deadLetterTopics = List.of();
    /** Follower thread only: the end offsets to reach before the index is complete. */
    private Map<TopicPartition, Long> catchUpTargets;

    public TopicFollower(ViewerConfig config, DeadLetterIndex index, MarkStore marks, AuditLog audit, EntryDecoder decoder,
            MeterRegistry registry) {
        this.config = config;
        this.index = index;
        this.marks = marks;
        this.audit = audit;
        this.decoder = decoder;
        this.consumer = new KafkaConsumer<>(consumerProperties(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(registry);
        this.decodeErrors = Counter.builder("jobwire.viewer.decode.errors")
                .description("Dead letters whose dead-letter headers could not be decoded (still listed)")
                .register(registry);
        this.indexed = Counter.builder("jobwire.viewer.dead.letters.read")
                .description("Dead letters read from the dead-letter topics").register(registry);
        this.thread = new Thread(this::run, "jobwire-viewer-follower");
        this.thread.setDaemon(true);
    }

    /** Fetch sizes bounded by the heap (unless set through {@code JOBWIRE_KAFKA_*}). */
    static Map<String, Object> consumerProperties(ViewerConfig config) {
        Map<String, Object> props = KafkaClients.consumer(config, "follower");
        long share = Runtime.getRuntime().maxMemory() / 16;
        int fetchMax = (int) Math.max(1 << 20, Math.min(50L << 20, share));
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetchMax);
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.min(1 << 20, fetchMax));
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        return props;
    }

    public void start() {
        thread.start();
    }

    /** True once everything that was on the topics at start-up has been read, while the reader is alive and polling. */
    public boolean isReady() {
        return health.ready();
    }

    public ReaderHealth health() {
        return health;
    }

    /** The dead-letter topics currently followed. */
    public List<String> deadLetterTopics() {
        return deadLetterTopics;
    }

    private void run() {
        try {
            follow();
        } catch (Throwable e) { // an Error kills the reader: say so instead of going blind
            stopped(e);
        } finally {
            try {
                clientMetrics.close();
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
            } catch (Throwable ignored) {
                // the reader is stopping either way; with the heap exhausted even a debug line may fail
            }
        }
    }

    /**
     * Records why the reader stopped. After an {@link OutOfMemoryError} it first drops the heap
     * reserve, so that recording can allocate, then halves the index: a heap left full made Jetty's
     * threads fail too and /health/ready go unanswered for minutes, and once the reader's own
     * error handler ran out of memory before it could record FAILED. Nothing here may throw.
     */
    private void stopped(Throwable e) {
        heapReserve = null;
        try {
            health.failed(e);
            if (e instanceof OutOfMemoryError) {
                index.shrinkTo(index.bytes() / 2);
            }
            LOG.error("The dead-letter reader stopped: {}. New dead letters are no longer read and the viewer is "
                    + "not ready; restart it (with more heap, or a smaller JOBWIRE_VIEWER_INDEX_MEMORY)", e.toString(), e);
        } catch (Throwable ignored) {
            // ReaderHealth marks FAILED before anything that allocates; that is what must not be lost
        }
    }

    private void follow() {
        long nextDiscovery = System.nanoTime();
        while (running) {
            try {
                if (System.nanoTime() - nextDiscovery >= 0) {
                    discover();
                    nextDiscovery = System.nanoTime() + config.discoveryInterval().toNanos();
                }
                if (consumer.assignment().isEmpty()) {
                    Thread.sleep(POLL.toMillis());
                } else {
                    dispatch(consumer.poll(POLL));
                }
                health.polled();
                checkReady();
            } catch (WakeupException e) {
                if (running) {
                    LOG.debug("Unexpected wakeup; continuing");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                health.retrying(e);
                LOG.warn("Reading the dead-letter topics failed ({}); retrying in 2 s", e.toString());
                nextDiscovery = System.nanoTime(); // topics may have been deleted or re-created
                sleepQuietly(2_000);
            }
        }
    }

    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        List<EntryDecoder.Decoded> decoded = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String topic = record.topic();
            if (topic.equals(config.marksTopic())) {
                applyMark(record);
            } else if (topic.equals(config.auditTopic())) {
                audit.add(record.value());
            } else {
                EntryDecoder.Decoded d = decoder.decode(record);
                if (d.entry().decodeError() != null) {
                    decodeErrors.increment();
                }
                decoded.add(d);
            }
        }
        index.addAll(decoded);
        indexed.increment(decoded.size());
    }

    private void applyMark(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String ref = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            marks.apply(ref, MarkCodec.decode(record.value()));
        } catch (java.io.IOException e) {
            LOG.warn("Ignoring a mark for {} that is not a mark: {}", ref, e.getMessage());
        }
    }

    /** Finds the topics to follow and assigns new partitions at their starting offsets. */
    private void discover() {
        Set<String> wanted = new TreeSet<>();
        if (config.topics().isEmpty()) {
            for (String topic : consumer.listTopics(METADATA_TIMEOUT).keySet()) {
                if (TopicNames.isDeadLetterTopic(topic) && !topic.startsWith("__")) {
                    wanted.add(topic);
                }
            }
        } else {
            wanted.addAll(config.topics());
        }
        List<String> found = new ArrayList<>();
        Set<TopicPartition> all = new HashSet<>();
        Set<TopicPartition> deadLetterPartitions = new HashSet<>();
        for (String topic : wanted) {
            List<TopicPartition> partitions = partitions(topic);
            if (partitions.isEmpty()) {
                LOG.warn("Dead-letter topic {} does not exist (yet); looking again in {}", topic, config.discoveryInterval());
                continue;
            }
            found.add(topic);
            all.addAll(partitions);
            deadLetterPartitions.addAll(partitions);
        }
        List<TopicPartition> marksPartitions = partitions(config.marksTopic());
        List<TopicPartition> auditPartitions = partitions(config.auditTopic());
        all.addAll(marksPartitions);
        all.addAll(auditPartitions);

        Set<TopicPartition> current = consumer.assignment();
        List<TopicPartition> added = all.stream().filter(tp -> !current.contains(tp)).toList();
        if (added.isEmpty() && all.size() == current.size()) {
            publishTopics(found);
            return;
        }
        consumer.assign(all);
        if (!added.isEmpty()) {
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(added, METADATA_TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(added, METADATA_TIMEOUT);
            for (TopicPartition tp : added) {
                long start = begin.get(tp);
                if (deadLetterPartitions.contains(tp)) {
                    long logStart = start;
                    start = Math.max(start, end.get(tp) - config.maxPerTopic());
                    index.partitionStarted(tp.topic(), tp.partition(), logStart, start);
                } else if (auditPartitions.contains(tp)) {
                    start = Math.max(start, end.get(tp) - AuditLog.KEEP);
                }
                consumer.seek(tp, start);
            }
            if (catchUpTargets == null) {
                catchUpTargets = new HashMap<>(end);
            }
            LOG.info("Following {} new partition(s); dead-letter topics: {}", added.size(), found);
        }
        publishTopics(found);
    }

    private void publishTopics(List<String> found) {
        deadLetterTopics = List.copyOf(found);
        if (catchUpTargets == null) {
            catchUpTargets = new HashMap<>(); // nothing to catch up with: ready at once
        }
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        return infos == null ? List.of() : infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private void checkReady() {
        if (caughtUp || catchUpTargets == null) {
            return;
        }
        for (var target : catchUpTargets.entrySet()) {
            if (consumer.assignment().contains(target.getKey()) && consumer.position(target.getKey()) < target.getValue()) {
                return;
            }
        }
        caughtUp = true;
        health.caughtUp();
        LOG.info("Dead-letter index caught up: {} dead letters, {} marks", index.size(), marks.size());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
