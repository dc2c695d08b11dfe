package dev.jobwire.producer.internal;

import dev.jobwire.producer.PublishException;
import dev.jobwire.producer.PublishFailure;
import dev.jobwire.wire.DelayTiers;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Turns what the Kafka client reports into a {@link PublishException} with a message a person can
 * act on. Pure logic, no Kafka calls. Immutable, thread-safe.
 *
 * <p>The Kafka client reports a missing topic and an unreachable cluster the same way (metadata
 * not available within {@code max.block.ms}); whether the client holds any broker connection
 * tells them apart. A missing delay topic gets its own message: delayed tasks of a topic need it,
 * and it is created by workers, not by whoever created the task topic.
 */
public final class FailureClassifier {
    private final String bootstrapServers;
    private final Duration deliveryTimeout;

    public FailureClassifier(String bootstrapServers, Duration deliveryTimeout) {
        this.bootstrapServers = bootstrapServers;
        this.deliveryTimeout = deliveryTimeout;
    }

    /** As below, for a record to its task topic. */
    public PublishException classify(Throwable error, boolean whileHandingOver, boolean brokerConnected,
            String taskId, String topic, int recordSize, int payloadSize) {
        return classify(error, whileHandingOver, brokerConnected, taskId, topic, null, recordSize, payloadSize);
    }

    /**
     * @param error            what the Kafka client reported
     * @param whileHandingOver true when it failed inside {@code send()} (waiting for metadata or
     *                         buffer space), false when the broker's answer (or its absence) failed it
     * @param brokerConnected  whether the client held at least one broker connection at the time
     * @param topic            the topic of the record
     * @param delayTopicOf     the task topic when {@code topic} is its delay topic (a delayed task), else null
     * @param recordSize       approximate serialized size of key, value and headers
     * @param payloadSize      size of the value
     */
    public PublishException classify(Throwable error, boolean whileHandingOver, boolean brokerConnected,
            String taskId, String topic, String delayTopicOf, int recordSize, int payloadSize) {
        Throwable e = unwrap(error);
        if (e instanceof PublishException publishException) {
            return publishException;
        }
        String timeout = Durations.format(deliveryTimeout);
        if (e instanceof TimeoutException) {
            if (whileHandingOver && !brokerConnected) {
                return failure(PublishFailure.BROKER_UNAVAILABLE, taskId, topic, "no Kafka broker reachable at "
                        + bootstrapServers + " within " + timeout + " (delivery timeout)", e);
            }
            if (whileHandingOver && String.valueOf(e.getMessage()).contains("not present in metadata")) {
                return failure(PublishFailure.TOPIC_NOT_FOUND, taskId, topic, delayTopicOf != null
                        ? missingDelayTopic(topic, delayTopicOf)
                        : "topic '" + topic + "' does not exist on the Kafka cluster at " + bootstrapServers
                                + " (topics are not created automatically; create it first)", e);
            }
            if (whileHandingOver) {
                return failure(PublishFailure.BROKER_UNAVAILABLE, taskId, topic, "the Kafka client could not take task "
                        + taskId + " within " + timeout + ": its send buffer stayed full (broker slow or unreachable)", e);
            }
            return failure(PublishFailure.BROKER_UNAVAILABLE, taskId, topic, "the Kafka broker at " + bootstrapServers
                    + " did not acknowledge task " + taskId + " on topic '" + topic + "' within " + timeout
                    + " (delivery timeout): " + e.getMessage(), e);
        }
        if (e instanceof UnknownTopicOrPartitionException) {
            return failure(PublishFailure.TOPIC_NOT_FOUND, taskId, topic, delayTopicOf != null
                    ? missingDelayTopic(topic, delayTopicOf)
                    : "topic '" + topic + "' does not exist on the Kafka cluster at " + bootstrapServers, e);
        }
        if (e instanceof RecordTooLargeException) {
            return failure(PublishFailure.RECORD_TOO_LARGE, taskId, topic, "task " + taskId + " is too large: the record is about "
                    + recordSize + " bytes (payload " + payloadSize + " bytes), over the limit of the producer's "
                    + "max.request.size or the broker's message.max.bytes. Kafka said: " + e.getMessage(), e);
        }
        if (e instanceof AuthenticationException || e instanceof AuthorizationException) {
            return failure(PublishFailure.NOT_AUTHORIZED, taskId, topic, "not allowed to publish to topic '" + topic
                    + "' at " + bootstrapServers + ": " + e.getMessage(), e);
        }
        if (e instanceof InterruptException || e instanceof IllegalStateException
                || (e instanceof KafkaException && String.valueOf(e.getMessage()).contains("closed"))) {
            return failure(PublishFailure.CLOSED, taskId, topic, "the publisher was closed before task " + taskId
                    + " was acknowledged", e);
        }
        return failure(PublishFailure.REJECTED, taskId, topic, "Kafka rejected task " + taskId + " for topic '" + topic
                + "': " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    /** What to do about a missing delay topic: who creates it, and how to create it by hand as workers do. */
    private String missingDelayTopic(String delayTopic, String taskTopic) {
        DelayTiers tiers = new DelayTiers(DelayTiers.DEFAULT_TIERS);
        return "delay topic '" + delayTopic + "' does not exist on the Kafka cluster at " + bootstrapServers
                + ", so the delayed task was not published (tasks of topic '" + taskTopic + "' that must wait a second "
                + "or more wait there). Workers create it at start-up with JOBWIRE_CREATE_TOPICS=true (the default); "
                + "to create it by hand: kafka-topics.sh --bootstrap-server " + bootstrapServers + " --create --topic "
                + delayTopic + " --partitions " + tiers.count() + " --config message.timestamp.type=LogAppendTime"
                + " --config retention.ms=" + tiers.retention().toMillis();
    }

    /** A copy of {@code template} for another task that failed for the same reason. */
    public static PublishException sameFailureFor(PublishException template, String taskId) {
        return new PublishException(template.failure(), taskId, template.topic(), template.getMessage(),
                template.getCause());
    }

    private static PublishException failure(PublishFailure failure, String taskId, String topic, String message,
            Throwable cause) {
        return new PublishException(failure, taskId, topic, message, cause);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
