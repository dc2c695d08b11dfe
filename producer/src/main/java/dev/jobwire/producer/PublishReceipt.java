package dev.jobwire.producer;

import java.time.Instant;

/**
 * The broker's acknowledgement of one published task. Immutable.
 *
 * <p>A delayed task is written where it waits: the delay topic of its task topic
 * ({@code <task topic>.delay}), in the partition of its delay tier, or its task topic itself when
 * less than a second was left (docs/wire-format.md). Either way {@code notBefore} says when it
 * will run.
 *
 * @param taskId    the task's {@code jobwire.task-id}
 * @param topic     where the record landed
 * @param partition its partition
 * @param offset    its offset in that partition
 * @param timestamp the record timestamp (Kafka {@code CreateTime}, or the broker's time when the
 *                  topic uses {@code LogAppendTime}, as delay topics do)
 * @param notBefore the task will not start before this instant (its {@code jobwire.not-before});
 *                  null when it may start at once
 */
public record PublishReceipt(String taskId, String topic, int partition, long offset, Instant timestamp,
        Instant notBefore) {
}
