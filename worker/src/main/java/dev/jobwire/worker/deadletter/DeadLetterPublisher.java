package dev.jobwire.worker.deadletter;

import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.TopicNames;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters: the original key, value and headers untouched, plus the failure headers of
 * {@link DeadLetter}, to {@code <original topic>.dlt}. Returns only once the broker acknowledged
 * the write, retrying for as long as it takes: a task whose dead letter is not written is not
 * finished, so its offset is never committed and nothing is dropped.
 *
 * <p>Thread-safe; called from task threads, each blocking only itself.
 */
public final class DeadLetterPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Runnable onWriteFailure;

    public DeadLetterPublisher(Properties clientProperties, Runnable onWriteFailure) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "jobwire-dead-letters");
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.onWriteFailure = onWriteFailure;
    }

    public KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    /**
     * Publishes the dead letter and waits for the broker's acknowledgement, retrying with backoff.
     *
     * @param giveUp checked between tries; true (shutdown) abandons the write
     * @return where the dead letter landed, or null if abandoned
     */
    public RecordMetadata publish(ConsumerRecord<byte[], byte[]> original, DeadLetter deadLetter, BooleanSupplier giveUp)
            throws InterruptedException {
        RecordHeaders headers = new RecordHeaders(original.headers().toArray());
        deadLetter.writeTo(headers);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                TopicNames.deadLetterTopicFor(original.topic()), null, null, original.key(), original.value(), headers);
        Duration wait = FIRST_RETRY;
        for (int attempt = 1; ; attempt++) {
            try {
                return producer.send(record).get();
            } catch (ExecutionException | RuntimeException e) {
                onWriteFailure.run();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                log.error("dead letter for {}/{}/{} not written (try {}), retrying in {} ms; the offset stays uncommitted: {}",
                        original.topic(), original.partition(), original.offset(), attempt, wait.toMillis(), cause.toString());
            }
            if (giveUp.getAsBoolean()) {
                log.warn("gave up writing the dead letter for {}/{}/{} on shutdown; the task will be redelivered",
                        original.topic(), original.partition(), original.offset());
                return null;
            }
            Thread.sleep(wait.toMillis());
            wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
