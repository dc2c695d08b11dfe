package dev.jobwire.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.producer.PublishException;
import dev.jobwire.producer.PublishFailure;
import dev.jobwire.producer.PublishReceipt;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The batch contract: an error status only when nothing of the request was acknowledged. */
class PublishAnswerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void everyTaskPublishedIs202WithReceiptsInOrder() {
        PublishAnswer one = PublishAnswer.of(false, List.of(published(0)));
        assertThat(one.status()).isEqualTo(202);
        assertThat(one.body().get("offset").asLong()).isZero();
        PublishAnswer batch = PublishAnswer.of(true, List.of(published(0), published(1)));
        assertThat(batch.status()).isEqualTo(202);
        assertThat(batch.body().get("receipts")).extracting(r -> r.get("offset").asLong()).containsExactly(0L, 1L);
        assertThat(one.body().has("notBefore")).as("an immediate task's receipt has no notBefore").isFalse();
    }

    @Test
    void aDelayedTasksReceiptSaysWhenItWillRun() {
        Instant due = Instant.parse("2026-12-01T10:00:00.250Z");
        PublishAnswer one = PublishAnswer.of(false, List.of(TaskOutcome.of(CompletableFuture.completedFuture(
                new PublishReceipt("id", "t.delay", 2, 7, Instant.EPOCH, due)), TIMEOUT)));
        assertThat(one.status()).isEqualTo(202);
        assertThat(one.body().get("notBefore").asText()).isEqualTo("2026-12-01T10:00:00.250Z");
        assertThat(one.body().get("topic").asText()).isEqualTo("t.delay");
        assertThat(one.body().get("partition").asInt()).isEqualTo(2);
    }

    @Test
    void somePublishedIs207NamingEachTask() {
        PublishAnswer answer = PublishAnswer.of(true, List.of(published(0), failed(PublishFailure.RECORD_TOO_LARGE),
                published(2), TaskOutcome.of(new CompletableFuture<>(), TIMEOUT)));
        assertThat(answer.status()).isEqualTo(207);
        assertThat(answer.problem()).isNull();
        JsonNode body = answer.body();
        assertThat(body.get("published").asInt()).isEqualTo(2);
        assertThat(body.get("notPublished").asInt()).isEqualTo(2);
        assertThat(body.get("tasks")).extracting(t -> t.get("status").asText())
                .containsExactly("published", "failed", "published", "failed");
        assertThat(body.get("tasks").get(1).get("type").asText()).isEqualTo("urn:jobwire:problem:record-too-large");
        assertThat(body.get("tasks").get(3).get("type").asText()).isEqualTo("urn:jobwire:problem:publish-timeout");
        assertThat(body.get("tasks").get(3).get("detail").asText()).contains("may still be published");
        assertThat(body.get("tasks").get(2).get("receipt").get("offset").asLong()).isEqualTo(2);
        assertThat(answer.summary()).startsWith("207 partly-published: 2 of 4 tasks were not published; first, task 1: ");
    }

    @Test
    void nothingPublishedIsAProblem() {
        PublishAnswer tooLarge = PublishAnswer.of(true, List.of(failed(PublishFailure.RECORD_TOO_LARGE),
                failed(PublishFailure.RECORD_TOO_LARGE)));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.problem().slug()).isEqualTo("record-too-large");
        assertThat(tooLarge.problem().toJson().get("tasks")).hasSize(2);

        // a retriable cause decides when one exists: resending unchanged may work
        PublishAnswer mixed = PublishAnswer.of(true, List.of(failed(PublishFailure.RECORD_TOO_LARGE),
                failed(PublishFailure.BROKER_UNAVAILABLE)));
        assertThat(mixed.status()).isEqualTo(503);
        assertThat(mixed.problem().slug()).isEqualTo("broker-unavailable");
        assertThat(mixed.problem().detail()).startsWith("2 of 2 tasks were not published; first, task 0: ");

        PublishAnswer single = PublishAnswer.of(false, List.of(failed(PublishFailure.TOPIC_NOT_FOUND)));
        assertThat(single.status()).isEqualTo(503);
        assertThat(single.problem().slug()).isEqualTo("topic-not-found");
        assertThat(single.problem().toJson().has("tasks")).isFalse();
        assertThat(PublishAnswer.of(false, List.of(failed(PublishFailure.NOT_AUTHORIZED))).problem().slug())
                .isEqualTo("publish-failed");
    }

    private static TaskOutcome published(long offset) {
        return TaskOutcome.of(CompletableFuture.completedFuture(
                new PublishReceipt("id-" + offset, "t", 0, offset, Instant.EPOCH, null)), TIMEOUT);
    }

    private static TaskOutcome failed(PublishFailure failure) {
        return TaskOutcome.of(CompletableFuture.failedFuture(new PublishException(failure, "id", "t", failure + " happened", null)),
                TIMEOUT);
    }
}
