package dev.jobwire.producer.internal;

import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A task's record, built and checked but not yet queued. Immutable (the record's arrays are not
 * copied: nothing changes them once built).
 *
 * @param record    to the task topic, or, for a task that waits in the delay topic, to the delay
 *                  topic with no partition yet: {@link DelayRouting} picks the tier when it is sent
 * @param taskId    its {@code jobwire.task-id}
 * @param taskTopic the topic the task runs from
 * @param notBefore its {@code jobwire.not-before}; null when it may start at once
 */
public record PreparedTask(ProducerRecord<byte[], byte[]> record, String taskId, String taskTopic, Instant notBefore) {

    /** Whether the record goes to the delay topic (its tier is chosen when it is sent). */
    public boolean waitsInDelayTopic() {
        return !record.topic().equals(taskTopic);
    }
}
