package dev.jobwire.producer.internal;

import dev.jobwire.producer.TaskRequest;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.wire.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns a {@link TaskRequest} into its record at the moment it is published: a new task id, created
 * {@code now}, its start time fixed (a delay counts from {@code now}), the wire-format headers,
 * and the topic it goes to first ({@link DelayRouting#waitsInDelayTopic}). Pure: no Kafka calls.
 * Stateless.
 */
public final class TaskRecords {
    private TaskRecords() {
    }

    /**
     * @param defaultTopic the task topic when the request names none
     * @throws IllegalArgumentException when the deadline has passed, or the start time is invalid
     *                                  ({@link TaskRequest#startTime})
     */
    public static PreparedTask prepare(TaskRequest request, String defaultTopic, Instant now) {
        if (request.deadline() != null && !request.deadline().isAfter(now)) {
            throw new IllegalArgumentException("deadline " + request.deadline() + " has already passed");
        }
        Instant start = request.startTime(now);
        String taskTopic = request.topic() != null ? request.topic() : defaultTopic;
        TaskMetadata metadata = new TaskMetadata(UUID.randomUUID().toString(), request.type(), request.contentType(),
                now, request.deadline(), request.traceparent(), start);
        RecordHeaders headers = new RecordHeaders();
        metadata.writeTo(headers);
        request.headers().forEach((name, value) -> headers.add(name, HeaderValues.utf8(value)));
        byte[] key = request.key() == null ? null : request.key().getBytes(StandardCharsets.UTF_8);
        String topic = DelayRouting.waitsInDelayTopic(start, now) ? TopicNames.delayTopicFor(taskTopic) : taskTopic;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, now.toEpochMilli(), key,
                request.payload(), headers);
        return new PreparedTask(record, metadata.id(), taskTopic, start);
    }
}
