package dev.jobwire.producer;

/** Why a publish failed. Each {@link PublishException} carries one. */
public enum PublishFailure {
    /** No broker answered, or the broker did not acknowledge within the delivery timeout. Retrying later may work. */
    BROKER_UNAVAILABLE(true),
    /** The topic does not exist (Jobwire topics are never auto-created). */
    TOPIC_NOT_FOUND(false),
    /** The record is larger than the producer's {@code max.request.size} or the broker's limit. */
    RECORD_TOO_LARGE(false),
    /** Authentication or authorization failed (TLS, SASL, ACLs). */
    NOT_AUTHORIZED(false),
    /** The publisher was closed before the task was acknowledged. */
    CLOSED(false),
    /** The broker or client rejected the record for another reason; see the message and cause. */
    REJECTED(false);

    private final boolean retriable;

    PublishFailure(boolean retriable) {
        this.retriable = retriable;
    }

    /** True when the same request may succeed later without changes. */
    public boolean retriable() {
        return retriable;
    }
}
