package dev.jobwire.producer;

/**
 * A task was not published, or the broker did not confirm it in time. Futures returned by
 * {@link TaskPublisher} fail with this (wrapped in a {@link java.util.concurrent.CompletionException}
 * by {@code join()}, in an {@link java.util.concurrent.ExecutionException} by {@code get()}).
 *
 * <p>A {@link PublishFailure#BROKER_UNAVAILABLE} after the delivery timeout does not prove the
 * record was not written; consumers should tolerate the rare duplicate a retry can cause.
 */
public class PublishException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final PublishFailure failure;
    private final String taskId;
    private final String topic;

    public PublishException(PublishFailure failure, String taskId, String topic, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.taskId = taskId;
        this.topic = topic;
    }

    public PublishFailure failure() {
        return failure;
    }

    public String taskId() {
        return taskId;
    }

    public String topic() {
        return topic;
    }
}
