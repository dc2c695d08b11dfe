package dev.jobwire.producer;

import java.time.Instant;

/**
 * The broker's acknowledgement of one published task. Immutable.
 *
 * @param taskId    the task's {@code jobwire.task-id}
 * @param topic     where the record landed
 * @param partition its partition
 * @param offset    its offset in that partition
 * @param timestamp the record timestamp (Kafka {@code CreateTime}, or the broker's time when the
 *                  topic uses {@code LogAppendTime})
 */
public record PublishReceipt(String taskId, String topic, int partition, long offset, Instant timestamp) {
}
