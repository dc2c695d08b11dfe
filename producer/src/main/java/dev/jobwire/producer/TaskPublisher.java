package dev.jobwire.producer;

import dev.jobwire.producer.internal.KafkaTaskPublisher;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes tasks to Kafka in the Jobwire wire format ({@code docs/wire-format.md}).
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>Input problems (an invalid {@link TaskRequest} field, a deadline already past, a start
 *       time more than {@link TaskRequest#MAX_DELAY} ahead or at or after the deadline) are
 *       {@link IllegalArgumentException}s thrown by the call, before anything is sent.</li>
 *   <li>A delayed task ({@link TaskRequest#delay()}, {@link TaskRequest#notBefore()}) carries
 *       {@code jobwire.not-before}. With at least a second left it is written to the delay topic of
 *       its task topic ({@code <task topic>.delay}), in the partition of its delay tier, key kept;
 *       with less, to its task topic. A missing delay topic fails the future with
 *       {@link PublishFailure#TOPIC_NOT_FOUND} and nothing is written. The receipt says where the
 *       record was written and, in {@link PublishReceipt#notBefore()}, when the task will run.</li>
 *   <li>Broker problems never throw: the returned future fails with a {@link PublishException}
 *       whose {@link PublishException#failure() failure} says why (broker unreachable, topic not
 *       found, record too large, not authorized, closed).</li>
 *   <li>Nothing hangs: each future completes within about the delivery timeout of the publisher
 *       reaching the task (at worst twice it: once waiting for topic metadata, once for the
 *       acknowledgement).</li>
 *   <li>{@code publish} does not block the caller: records are handed to the Kafka client on the
 *       publisher's own threads, in call order per topic, so tasks published one after another
 *       with the same key to the same topic keep their order (a delayed task goes to the delay
 *       topic: its start time, not its call order, decides).</li>
 *   <li>Futures complete on a callback thread of the publisher, never on Kafka's network thread,
 *       one at a time in the order the broker answered: a dependent stage that blocks delays the
 *       futures after it, so hand slow work to an executor ({@code thenApplyAsync} and the like).</li>
 *   <li>Every record is written by an idempotent producer with {@code acks=all}; this cannot be
 *       turned off.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe: share one publisher across the application.
 */
public interface TaskPublisher extends AutoCloseable {

    /**
     * A publisher backed by a Kafka producer. The producer connects lazily, so this succeeds even
     * when no broker is up yet.
     *
     * @throws IllegalArgumentException when the Kafka client rejects the configuration
     */
    static TaskPublisher create(PublisherConfig config) {
        return new KafkaTaskPublisher(config);
    }

    /** Publishes a task with this type and payload to the default topic. */
    default CompletableFuture<PublishReceipt> publish(String type, byte[] payload) {
        return publish(TaskRequest.builder(type).payload(payload).build());
    }

    /**
     * Publishes one task.
     *
     * @return completes with the receipt once the broker acknowledged the task, or fails with a
     *         {@link PublishException}
     * @throws IllegalArgumentException when the request's deadline has already passed, or its start
     *                                  time is invalid ({@link TaskRequest#startTime})
     */
    CompletableFuture<PublishReceipt> publish(TaskRequest request);

    /**
     * Publishes tasks in list order, after checking all of them (deadlines, and each record's size
     * against the producer's {@code max.request.size}): when one is invalid, none is sent.
     *
     * @return one future per request, in the same order
     * @throws TaskTooLargeException    when records are over the producer's size limit, saying which
     * @throws IllegalArgumentException naming the position of the first invalid request
     */
    List<CompletableFuture<PublishReceipt>> publishEach(List<TaskRequest> requests);

    /**
     * Like {@link #publishEach} (same checks, same exceptions) with one future for the whole batch.
     * Not atomic once sent: when the broker fails some tasks, the others may be published; the
     * future then fails with a {@link BatchPublishException} saying which.
     *
     * @return completes with the receipts in request order
     */
    CompletableFuture<List<PublishReceipt>> publishAll(List<TaskRequest> requests);

    /**
     * Stops accepting tasks, sends what was accepted and waits for the broker's answers, up to
     * about the delivery timeout; tasks still unanswered then fail with {@link PublishFailure#CLOSED}.
     * Later publishes return futures failed with {@link PublishFailure#CLOSED}. Idempotent.
     */
    @Override
    void close();
}
