package dev.jobwire.worker.deadletter;

import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.TopicNames;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
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
     * Once a write is sent, its answer is awaited even if the task is cancelled meanwhile (bounded
     * by the delivery timeout), so a dead letter is never written for a task that is then also
     * redelivered as if it had not been.
     *
     * @param giveUp checked before each try; true (shutdown, rebalance) abandons the write
     * @return where the dead letter landed, or null if abandoned
     */
    public RecordMetadata publish(ConsumerRecord<byte[], byte[]> original, DeadLetter deadLetter, BooleanSupplier giveUp)
            throws InterruptedException {
        ProducerRecord<byte[], byte[]> record = record(original, deadLetter);
        boolean trimmed = false;
        Duration wait = FIRST_RETRY;
        for (int attempt = 1; ; attempt++) {
            if (giveUp.getAsBoolean()) {
                log.warn("gave up writing the dead letter for {}/{}/{}: the task was cancelled and will be redelivered",
                        original.topic(), original.partition(), original.offset());
                return null;
            }
            try {
                return awaitUninterruptibly(producer.send(record));
            } catch (ExecutionException | RuntimeException e) {
                onWriteFailure.run();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (cause instanceof RecordTooLargeException && !trimmed) {
                    // The failure headers made it too big (the original fitted its topic): keep every
                    // header but shorten the stack trace and messages.
                    log.error("dead letter for {}/{}/{} is over the size limit; writing it with a shortened stack trace",
                            original.topic(), original.partition(), original.offset());
                    record = record(original, deadLetter.trimmed());
                    trimmed = true;
                    continue;
                }
                log.error("dead letter for {}/{}/{} not written (try {}), retrying in {} ms; the offset stays uncommitted: {}",
                        original.topic(), original.partition(), original.offset(), attempt, wait.toMillis(), cause.toString());
            }
            Thread.sleep(wait.toMillis());
            wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(ConsumerRecord<byte[], byte[]> original, DeadLetter deadLetter) {
        RecordHeaders headers = new RecordHeaders(original.headers().toArray());
        deadLetter.writeTo(headers);
        return new ProducerRecord<>(TopicNames.deadLetterTopicFor(original.topic()), null, null,
                original.key(), original.value(), headers);
    }

    private static <T> T awaitUninterruptibly(Future<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
