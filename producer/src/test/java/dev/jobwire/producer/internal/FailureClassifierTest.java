package dev.jobwire.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.producer.PublishException;
import dev.jobwire.producer.PublishFailure;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {
    private final FailureClassifier classifier = new FailureClassifier("k1:9092", Duration.ofSeconds(30));

    private PublishException classify(Throwable e, boolean handingOver, boolean connected) {
        return classifier.classify(e, handingOver, connected, "id-1", "tasks", 1200, 1000);
    }

    @Test
    void metadataTimeoutWithoutAnyConnectionMeansUnreachable() {
        PublishException e = classify(new TimeoutException("Topic tasks not present in metadata after 30000 ms."), true, false);
        assertThat(e.failure()).isEqualTo(PublishFailure.BROKER_UNAVAILABLE);
        assertThat(e.failure().retriable()).isTrue();
        assertThat(e).hasMessage("no Kafka broker reachable at k1:9092 within 30s (delivery timeout)");
    }

    @Test
    void aMissingDelayTopicSaysWhoCreatesItAndHow() {
        PublishException e = classifier.classify(new TimeoutException("Topic tasks.delay not present in metadata after 30000 ms."),
                true, true, "id-1", "tasks.delay", "tasks", 1200, 1000);
        assertThat(e.failure()).isEqualTo(PublishFailure.TOPIC_NOT_FOUND);
        assertThat(e.topic()).isEqualTo("tasks.delay");
        assertThat(e).hasMessage("delay topic 'tasks.delay' does not exist on the Kafka cluster at k1:9092, so the delayed "
                + "task was not published (tasks of topic 'tasks' that must wait a second or more wait there). Workers "
                + "create it at start-up with JOBWIRE_CREATE_TOPICS=true (the default); to create it by hand: "
                + "kafka-topics.sh --bootstrap-server k1:9092 --create --topic tasks.delay --partitions 22 "
                + "--config message.timestamp.type=LogAppendTime --config retention.ms=4194304000");
        assertThat(classifier.classify(new UnknownTopicOrPartitionException("gone"), false, true, "id-1", "tasks.delay",
                "tasks", 1200, 1000)).hasMessageStartingWith("delay topic 'tasks.delay' does not exist");
    }

    @Test
    void metadataTimeoutWithAConnectionMeansTheTopicIsMissing() {
        PublishException e = classify(new TimeoutException("Topic tasks not present in metadata after 30000 ms."), true, true);
        assertThat(e.failure()).isEqualTo(PublishFailure.TOPIC_NOT_FOUND);
        assertThat(e).hasMessage("topic 'tasks' does not exist on the Kafka cluster at k1:9092 "
                + "(topics are not created automatically; create it first)");
        assertThat(e.taskId()).isEqualTo("id-1");
        assertThat(e.topic()).isEqualTo("tasks");
    }

    @Test
    void bufferFullAndExpiredBatchesAreUnavailable() {
        assertThat(classify(new TimeoutException("Failed to allocate memory within the configured max blocking time"), true, true))
                .hasMessageContaining("send buffer stayed full")
                .extracting(PublishException::failure).isEqualTo(PublishFailure.BROKER_UNAVAILABLE);
        assertThat(classify(new TimeoutException("Expiring 1 record(s) for tasks-0"), false, true))
                .hasMessageStartingWith("the Kafka broker at k1:9092 did not acknowledge task id-1 on topic 'tasks' within 30s")
                .extracting(PublishException::failure).isEqualTo(PublishFailure.BROKER_UNAVAILABLE);
    }

    @Test
    void otherKafkaErrors() {
        assertThat(classify(new RecordTooLargeException("The message is 1300 bytes when serialized which is larger than 1000"), true, true))
                .hasMessageContaining("about 1200 bytes (payload 1000 bytes)").hasMessageContaining("larger than 1000")
                .extracting(PublishException::failure).isEqualTo(PublishFailure.RECORD_TOO_LARGE);
        assertThat(classify(new UnknownTopicOrPartitionException("gone"), false, true).failure())
                .isEqualTo(PublishFailure.TOPIC_NOT_FOUND);
        assertThat(classify(new TopicAuthorizationException("no"), false, true).failure()).isEqualTo(PublishFailure.NOT_AUTHORIZED);
        assertThat(classify(new SaslAuthenticationException("bad password"), true, true).failure()).isEqualTo(PublishFailure.NOT_AUTHORIZED);
        assertThat(classify(new IllegalStateException("Cannot perform operation after producer has been closed"), true, true).failure())
                .isEqualTo(PublishFailure.CLOSED);
        assertThat(classify(new CompletionException(new org.apache.kafka.common.errors.CorruptRecordException("crc")), false, true))
                .hasMessage("Kafka rejected task id-1 for topic 'tasks': CorruptRecordException: crc")
                .extracting(PublishException::failure).isEqualTo(PublishFailure.REJECTED);
    }

    @Test
    void durationsReadWell() {
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
    }
}
