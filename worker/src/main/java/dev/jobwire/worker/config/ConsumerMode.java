package dev.jobwire.worker.config;

/**
 * How a worker consumes its task topics ({@code JOBWIRE_CONSUMER_MODE}).
 *
 * <ul>
 *   <li>{@link #GROUP} (default): a consumer group. Each partition belongs to one worker at a time,
 *       offsets are committed, per-key ordering is available; more workers than partitions sit idle.
 *   <li>{@link #SHARE}: a share group (KIP-932, "queues for Kafka"). Any number of workers take
 *       records from the same partitions, each record acquired under a time-limited lock and
 *       acknowledged one by one; no per-key ordering. Needs Kafka 4.2 or later.
 * </ul>
 */
public enum ConsumerMode {
    GROUP,
    SHARE
}
