package dev.jobwire.load;

import dev.jobwire.wire.DeadLetterHeaders;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a task topic's dead-letter topic from its beginning, on its own thread, for as long as a
 * scenario runs, and keeps each dead letter's task id with its reason ({@code jobwire.dlt.reason}).
 * A task the worker gave up on is accounted for the moment its dead letter is written.
 *
 * <p>Thread-safe: the watch's own thread writes (and alone touches the consumer after the
 * constructor hands it over); any thread reads.
 */
public final class DeadLetterWatch implements AutoCloseable {
    /** The reason recorded for a dead letter without a reason header: a malformed dead letter. */
    public static final String NO_REASON = "no reason header";

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, String> reasonById = new ConcurrentHashMap<>();
    private final LongAdder records = new LongAdder();
    private final LongAdder withoutTaskId = new LongAdder();
    private final LongAdder repeated = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;

    /** Starts watching {@code <taskTopic>.dlt} (which must exist) on {@code bootstrap}. */
    public DeadLetterWatch(String bootstrap, String taskTopic) {
        this.topic = TopicNames.deadLetterTopicFor(taskTopic);
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        thread = Thread.ofPlatform().daemon().name("dead-letter-watch " + topic).start(this::run);
    }

    private void run() {
        try (consumer) {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    record(text(record.headers().lastHeader(TaskHeaders.TASK_ID)),
                            text(record.headers().lastHeader(DeadLetterHeaders.REASON)));
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (Exception e) {
            failure = e;
        }
    }

    private void record(String taskId, String reason) {
        records.increment();
        if (taskId == null) {
            withoutTaskId.increment();
            return;
        }
        if (reasonById.putIfAbsent(taskId, reason == null || reason.isBlank() ? NO_REASON : reason) != null) {
            repeated.increment();
        }
    }

    private static String text(Header header) {
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The reason the task was dead-lettered with, or null when it has not been (yet). */
    public String reasonOf(String taskId) {
        return reasonById.get(taskId);
    }

    /** Dead letters read so far, whatever task they belong to. */
    public long records() {
        return records.sum();
    }

    /** Dead letters read so far without a task id header (they cannot be matched to a task). */
    public long withoutTaskId() {
        return withoutTaskId.sum();
    }

    /** Dead letters read so far for a task that already had one. */
    public long repeated() {
        return repeated.sum();
    }

    /** The topic watched. */
    public String topic() {
        return topic;
    }

    /** Why the watch stopped reading before it was closed, or null. */
    public Exception failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join();
    }
}
