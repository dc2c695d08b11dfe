package dev.jobwire.worker.it;

import dev.jobwire.wire.DelayTiers;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.delay.DelayRoute;
import java.time.Duration;
import java.time.Instant;
import dev.jobwire.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes wire-format tasks straight through a Kafka producer, so worker tests need no producer module.
 *
 * <p>Not thread-safe: one test thread uses it.
 */
final class TestTasks implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<Future<RecordMetadata>> sent = new ArrayList<>();
    private final Set<String> written = new HashSet<>();

    TestTasks(TestKafka kafka, String topic) {
        this(kafka.bootstrapServers(), topic);
    }

    TestTasks(String bootstrapServers, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Publishes a task and returns its id. */
    String publish(String type, String payload) {
        return publish(type, payload, null);
    }

    String publish(String type, String payload, String key) {
        TaskMetadata metadata = TaskMetadata.create(type, null, null, null);
        RecordHeaders headers = new RecordHeaders();
        metadata.writeTo(headers);
        headers.add("app.origin", "worker-it".getBytes(StandardCharsets.UTF_8));
        send(new ProducerRecord<>(topic, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8), headers));
        return metadata.id();
    }

    /**
     * Publishes a task due {@code delay} from now the way the producer library does: with its
     * {@code jobwire.not-before} header, into the delay topic's tier that fits (22 tiers), or onto
     * the task topic when due within a second.
     *
     * @return the task's id and when it is due
     */
    Map.Entry<String, Instant> publishDelayed(String type, String payload, Duration delay) {
        Instant due = Instant.now().plus(delay);
        TaskMetadata metadata = TaskMetadata.create(type, null, null, null, due);
        RecordHeaders headers = new RecordHeaders();
        metadata.writeTo(headers);
        DelayRoute route = DelayRoute.of(topic, new DelayTiers(DelayTiers.DEFAULT_TIERS), Duration.between(Instant.now(), due));
        send(new ProducerRecord<>(route.topic(), route.partition(), null, null, payload.getBytes(StandardCharsets.UTF_8),
                headers));
        return Map.entry(metadata.id(), due);
    }

    /** Publishes a raw record (for poison pills). */
    void send(ProducerRecord<byte[], byte[]> record) {
        Future<RecordMetadata> future = producer.send(record);
        sent.add(future);
        if (written.add(record.partition() == null ? record.topic() : record.topic() + "-" + record.partition())) {
            // The first record to a topic (or to a partition named explicitly) goes alone and is
            // acknowledged before any burst. An idempotent producer's burst into a topic created a
            // moment ago can resend its first batch after a later one was accepted, and meet
            // OutOfOrderSequence until that batch expires. A full CI run failed that way once (120 s,
            // 1,000 delayed tasks into the delay topic the worker had just created); kafka-clients
            // 4.4.0 alone reproduces it (6 of 1,000 records expired, 22 OutOfOrderSequence errors
            // in the broker's log).
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the first record to " + record.topic() + " was not written", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing the first record to " + record.topic(), e);
            }
        }
    }

    /** Waits until the broker acknowledged everything sent so far. */
    void flush() throws Exception {
        producer.flush();
        for (Future<RecordMetadata> future : sent) {
            future.get();
        }
        sent.clear();
    }

    @Override
    public void close() {
        producer.close();
    }
}
