package dev.jobwire.producer.internal;

import dev.jobwire.producer.BatchPublishException;
import dev.jobwire.producer.PublishException;
import dev.jobwire.producer.PublishFailure;
import dev.jobwire.producer.PublishReceipt;
import dev.jobwire.producer.PublisherConfig;
import dev.jobwire.producer.TaskPublisher;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.producer.TaskTooLargeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskPublisher} on a {@link KafkaProducer}. Not API: use {@link TaskPublisher#create}.
 * {@link #kafkaProducer()} is public only so that the HTTP server can bind the client's metrics.
 *
 * <p>Threads: callers only enqueue. One <em>send thread</em> at a time per topic hands that topic's
 * queue to {@code KafkaProducer.send} in order (so a topic whose metadata is missing delays only
 * its own tasks). Kafka's network thread reports results; <em>callback threads</em> complete the
 * callers' futures. When {@code send} itself failed waiting for metadata, every task of that topic
 * queued before the failure fails at once with the same reason instead of waiting again.
 *
 * <p>Delayed tasks ({@link TaskRecords}): one that must wait at least a second queues for its task
 * topic's delay topic; its send thread reads the delay topic's partition count from the producer's
 * metadata and picks the tier partition ({@link DelayRouting}). A missing delay topic fails the
 * task, like a missing topic, and nothing is sent.
 *
 * <p>Thread-safe.
 */
public final class KafkaTaskPublisher implements TaskPublisher {
    private static final Logger log = LoggerFactory.getLogger(KafkaTaskPublisher.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Rough per-record overhead of Kafka's record batch format, for size messages. */
    private static final int RECORD_OVERHEAD_BYTES = 70;

    private final PublisherConfig config;
    private final Producer<byte[], byte[]> producer;
    private final FailureClassifier classifier;
    private final RecordSizeLimit sizeLimit;
    private final ExecutorService sendThreads;
    private final ExecutorService callbackThreads;
    private final Map<String, TopicSender> senders = new ConcurrentHashMap<>();
    /**
     * Completes futures off Kafka's network thread, in the order results arrive, one callback
     * thread at a time (a hand-over per future, through a cached pool's rendezvous, was the
     * publisher's hottest spot and held publishing near 100,000 tasks per second).
     */
    private final SerialDrain<Runnable> completions;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @throws IllegalArgumentException when the Kafka client rejects the configuration */
    public KafkaTaskPublisher(PublisherConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        Map<String, Object> properties = ProducerProperties.of(config);
        try {
            this.producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw new IllegalArgumentException("invalid Kafka producer configuration: " + rootMessage(e), e);
        }
        this.sizeLimit = RecordSizeLimit.of(properties);
        this.classifier = new FailureClassifier(config.bootstrapServers(), config.deliveryTimeout());
        int instance = INSTANCES.incrementAndGet();
        this.sendThreads = Executors.newCachedThreadPool(daemonThreads("jobwire-publisher-" + instance + "-send-"));
        this.callbackThreads = Executors.newCachedThreadPool(daemonThreads("jobwire-publisher-" + instance + "-callback-"));
        // Closed: complete them here rather than never.
        this.completions = new SerialDrain<>(callbackThreads, KafkaTaskPublisher::runCompletion,
                KafkaTaskPublisher::runCompletion);
    }

    public PublisherConfig config() {
        return config;
    }

    /** The underlying Kafka producer, for metrics only; do not send or close through it. */
    public Producer<byte[], byte[]> kafkaProducer() {
        return producer;
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(TaskRequest request) {
        Objects.requireNonNull(request, "request");
        return enqueue(TaskRecords.prepare(request, config.defaultTopic(), Instant.now()));
    }

    @Override
    public List<CompletableFuture<PublishReceipt>> publishEach(List<TaskRequest> requests) {
        Objects.requireNonNull(requests, "requests");
        Instant now = Instant.now();
        List<PreparedTask> tasks = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            TaskRequest request = requests.get(i);
            if (request == null) {
                throw new IllegalArgumentException("task " + i + ": request is null");
            }
            try {
                tasks.add(TaskRecords.prepare(request, config.defaultTopic(), now));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("task " + i + ": " + e.getMessage(), e);
            }
        }
        // Sizes are checked here, not by the Kafka client during sending, so that a batch with one
        // oversized task publishes nothing rather than everything else.
        Map<Integer, String> tooLarge = new java.util.TreeMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            String problem = sizeLimit.problem(tasks.get(i).record());
            if (problem != null) {
                tooLarge.put(i, problem);
            }
        }
        if (!tooLarge.isEmpty()) {
            throw new TaskTooLargeException(tooLarge, sizeLimit.limit());
        }
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>(tasks.size());
        for (PreparedTask task : tasks) {
            futures.add(enqueue(task));
        }
        return futures;
    }

    @Override
    public CompletableFuture<List<PublishReceipt>> publishAll(List<TaskRequest> requests) {
        List<CompletableFuture<PublishReceipt>> futures = publishEach(requests);
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
            List<PublishReceipt> receipts = new ArrayList<>(futures.size());
            Map<Integer, PublishException> failures = new HashMap<>();
            for (int i = 0; i < futures.size(); i++) {
                CompletableFuture<PublishReceipt> future = futures.get(i);
                if (future.isCompletedExceptionally()) {
                    receipts.add(null);
                    failures.put(i, (PublishException) future.exceptionNow());
                } else {
                    receipts.add(future.resultNow());
                }
            }
            if (!failures.isEmpty()) {
                throw new BatchPublishException(receipts, failures);
            }
            return List.copyOf(receipts);
        });
    }

    private CompletableFuture<PublishReceipt> enqueue(PreparedTask prepared) {
        CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        String topic = prepared.record().topic();
        if (closed.get()) {
            result.completeExceptionally(closedFailure(prepared.taskId(), topic));
            return result;
        }
        senders.computeIfAbsent(topic, TopicSender::new).submit(new PendingTask(prepared, result, System.nanoTime()));
        return result;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Duration timeout = config.deliveryTimeout();
        sendThreads.shutdown();
        try {
            if (!sendThreads.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                sendThreads.shutdownNow();
            }
            producer.close(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sendThreads.shutdownNow();
            producer.close(Duration.ZERO);
        } finally {
            senders.values().forEach(TopicSender::failQueued);
            callbackThreads.shutdown();
            try {
                callbackThreads.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private PublishException closedFailure(String taskId, String topic) {
        return new PublishException(PublishFailure.CLOSED, taskId, topic,
                "the publisher is closed; task " + taskId + " was not published", null);
    }

    private void complete(PendingTask task, PublishReceipt receipt, PublishException failure) {
        completions.add(failure == null
                ? () -> task.result().complete(receipt)
                : () -> task.result().completeExceptionally(failure));
    }

    private static void runCompletion(Runnable completion) {
        try {
            completion.run();
        } catch (RuntimeException e) {
            // Defensive: complete() keeps a dependent stage's failure in its own future.
            log.warn("a publish future's dependent stage threw", e);
        }
    }

    /** Whether the Kafka client holds at least one broker connection. */
    private boolean brokerConnected() {
        return producer.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("connection-count") && m.getKey().group().equals("producer-metrics"))
                .anyMatch(m -> m.getValue().metricValue() instanceof Double count && count > 0);
    }

    private static int approximateSize(ProducerRecord<byte[], byte[]> record) {
        int size = RECORD_OVERHEAD_BYTES + (record.key() == null ? 0 : record.key().length)
                + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length) + 2;
        }
        return size;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getMessage() : e.getMessage() + ": " + root.getMessage();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private record PendingTask(PreparedTask prepared, CompletableFuture<PublishReceipt> result, long enqueuedNanos) {
        String taskId() {
            return prepared.taskId();
        }
    }

    /** A failure of {@code send()} itself, and when it happened. */
    private record HandOverFailure(long atNanos, PublishException failure) {
    }

    /**
     * Hands one topic's tasks to the Kafka client in submission order, on at most one send thread at
     * a time ({@link SerialDrain}); {@code lastHandOverFailure} is
     * written by the send thread only.
     */
    private final class TopicSender {
        private final String topic;
        private final SerialDrain<PendingTask> pending;
        private volatile HandOverFailure lastHandOverFailure;

        TopicSender(String topic) {
            this.topic = topic;
            this.pending = new SerialDrain<>(sendThreads, this::send, this::failClosed);
        }

        void submit(PendingTask task) {
            pending.add(task);
        }

        private void send(PendingTask task) {
            HandOverFailure earlier = lastHandOverFailure;
            if (earlier != null && task.enqueuedNanos() - earlier.atNanos() < 0) {
                complete(task, null, FailureClassifier.sameFailureFor(earlier.failure(), task.taskId()));
                return;
            }
            ProducerRecord<byte[], byte[]> record;
            try {
                record = routed(task.prepared());
            } catch (RuntimeException e) { // the delay topic's metadata did not come: nothing is sent
                SendCallback callback = new SendCallback(task, task.prepared().record());
                callback.onCompletion(null, e);
                handedOver(callback);
                return;
            }
            SendCallback callback = new SendCallback(task, record);
            try {
                producer.send(record, callback);
            } catch (RuntimeException e) {
                callback.onCompletion(null, e);
            }
            handedOver(callback);
        }

        /** Remembers a failure to hand the record over, for the tasks queued before it. */
        private void handedOver(SendCallback callback) {
            callback.handedOver = true;
            PublishException failure = callback.failureDuringHandOver;
            if (failure != null && (failure.failure() == PublishFailure.BROKER_UNAVAILABLE
                    || failure.failure() == PublishFailure.TOPIC_NOT_FOUND)) {
                lastHandOverFailure = new HandOverFailure(System.nanoTime(), failure);
            }
        }

        /**
         * The record as it is sent: a task waiting in the delay topic goes to its tier partition,
         * after waiting (up to the delivery timeout) for the delay topic's metadata.
         */
        private ProducerRecord<byte[], byte[]> routed(PreparedTask task) {
            if (!task.waitsInDelayTopic()) {
                return task.record();
            }
            int tiers = producer.partitionsFor(task.record().topic()).size();
            return DelayRouting.route(task, tiers, Instant.now());
        }

        void failQueued() {
            pending.drainWith(this::failClosed);
        }

        private void failClosed(PendingTask task) {
            complete(task, null, closedFailure(task.taskId(), topic));
        }
    }

    /** Reports one send's result; knows whether it came while {@code send()} was still running. */
    private final class SendCallback implements Callback {
        private final PendingTask task;
        /** The record as sent (a delayed task's is routed to its tier). */
        private final ProducerRecord<byte[], byte[]> record;
        volatile boolean handedOver;
        volatile PublishException failureDuringHandOver;

        SendCallback(PendingTask task, ProducerRecord<byte[], byte[]> record) {
            this.task = task;
            this.record = record;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception == null) {
                complete(task, new PublishReceipt(task.taskId(), metadata.topic(), metadata.partition(),
                        metadata.offset(), Instant.ofEpochMilli(metadata.timestamp()), task.prepared().notBefore()), null);
                return;
            }
            boolean duringHandOver = !handedOver;
            String taskTopic = task.prepared().taskTopic();
            PublishException failure = classifier.classify(exception, duringHandOver,
                    duringHandOver && brokerConnected(), task.taskId(), record.topic(),
                    record.topic().equals(taskTopic) ? null : taskTopic, approximateSize(record),
                    record.value() == null ? 0 : record.value().length);
            if (duringHandOver) {
                failureDuringHandOver = failure;
            }
            log.debug("task {} to topic {} failed: {}", task.taskId(), record.topic(), failure.getMessage());
            complete(task, null, failure);
        }
    }
}
