package dev.jobwire.producer.http;

import dev.jobwire.producer.PublishException;
import dev.jobwire.producer.PublishReceipt;
import dev.jobwire.producer.internal.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * What became of one task once the request stopped waiting: its receipt, or why it has none - the
 * problem type it is reported under ({@code slug}, {@code title}), a sentence, and the outcome tag
 * for the latency metric. Immutable.
 *
 * @param receipt null when the task was not (known to be) published
 */
record TaskOutcome(PublishReceipt receipt, int status, String slug, String title, String detail, String metric) {

    static TaskOutcome published(PublishReceipt receipt) {
        return new TaskOutcome(receipt, 202, null, null, null, "published");
    }

    /** The outcome of {@code future}, which may still be running when the publish timeout ended the wait. */
    static TaskOutcome of(CompletableFuture<PublishReceipt> future, Duration publishTimeout) {
        if (!future.isDone()) {
            return new TaskOutcome(null, 503, "publish-timeout", "Publish Timed Out", "the broker did not acknowledge "
                    + "the task within " + Durations.format(publishTimeout) + " (JOBWIRE_PUBLISH_TIMEOUT); it may still "
                    + "be published", "timeout");
        }
        if (!future.isCompletedExceptionally()) {
            return published(future.resultNow());
        }
        PublishException failure = (PublishException) future.exceptionNow();
        String metric = failure.failure().name().toLowerCase(Locale.ROOT);
        return switch (failure.failure()) {
            case RECORD_TOO_LARGE -> new TaskOutcome(null, 413, "record-too-large", "Record Too Large", failure.getMessage(), metric);
            case TOPIC_NOT_FOUND -> new TaskOutcome(null, 503, "topic-not-found", "Topic Not Found", failure.getMessage(), metric);
            case BROKER_UNAVAILABLE -> new TaskOutcome(null, 503, "broker-unavailable", "Broker Unavailable",
                    failure.getMessage(), metric);
            default -> new TaskOutcome(null, 503, "publish-failed", "Publish Failed", failure.getMessage(), metric);
        };
    }

    boolean isPublished() {
        return receipt != null;
    }
}
