package dev.jobwire.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    private static final Instant T0 = Instant.parse("2026-11-26T05:00:00Z");

    @Test
    void roundTripsAndKeepsOriginalHeaders() throws Exception {
        Headers headers = new RecordHeaders();
        headers.add("app.custom", HeaderValues.utf8("kept"));
        IOException last = new IOException("connection reset");
        DeadLetter dead = new DeadLetter("jobwire.tasks", 3, 42L, T0, DeadLetterReason.RETRIES_EXHAUSTED, 2,
                List.of(AttemptFailure.of(1, T0.plusMillis(10), new IOException("timeout \"quoted\"")),
                        AttemptFailure.of(2, T0.plusMillis(20), last)),
                last.getClass().getName(), last.getMessage(), DeadLetter.stackTraceOf(last), "worker-1", T0.plusSeconds(1));
        dead.writeTo(headers);

        DeadLetter read = DeadLetter.readFrom(headers);
        assertThat(read).isEqualTo(dead);
        assertThat(read.failures().get(0).message()).isEqualTo("timeout \"quoted\"");
        assertThat(read.stackTrace()).startsWith("java.io.IOException: connection reset");
        assertThat(read.originalReference()).isEqualTo("jobwire.tasks/3/42");
        assertThat(HeaderValues.last(headers, "app.custom")).isEqualTo("kept");
        assertThat(headers.headers(DeadLetterHeaders.ATTEMPT)).hasSize(2);
    }

    @Test
    void removeFromStripsOnlyDeadLetterHeaders() {
        Headers headers = new RecordHeaders();
        TaskMetadata.create("t", null, null, null).writeTo(headers);
        new DeadLetter("t", 0, 0, null, DeadLetterReason.UNKNOWN_TYPE, 0, List.of(), "x", "y", "", "w", T0)
                .writeTo(headers);
        DeadLetter.removeFrom(headers);
        for (var header : headers) {
            assertThat(header.key()).doesNotStartWith("jobwire.dlt.");
        }
        assertThat(headers.lastHeader(TaskHeaders.TASK_ID)).isNotNull();
    }

    /** A raw dead letter replayed by hand and failing again keeps the first round's headers, renamed. */
    @Test
    void aDeadLetterOfADeadLetterKeepsTheEarlierRoundsHeaders() throws Exception {
        Headers headers = new RecordHeaders();
        TaskMetadata.create("t", null, null, null).writeTo(headers);
        headers.add("kafka_dlt-exception-message", HeaderValues.utf8("a Spring dead letter's reason"));
        new DeadLetter("jobwire.tasks", 1, 7, T0, DeadLetterReason.NON_RETRYABLE, 1, List.of(), "x.First", "first round", "", "w1", T0)
                .writeTo(headers);
        new DeadLetter("jobwire.tasks", 2, 9, T0, DeadLetterReason.RETRIES_EXHAUSTED, 3, List.of(), "x.Second", "second round", "",
                "w2", T0.plusSeconds(5)).writeTo(headers);

        DeadLetter now = DeadLetter.readFrom(headers);
        assertThat(now.exceptionMessage()).isEqualTo("second round");
        assertThat(now.originalOffset()).isEqualTo(9);
        assertThat(HeaderValues.last(headers, "jobwire.prev-dlt.exception-message")).isEqualTo("first round");
        assertThat(HeaderValues.last(headers, "jobwire.prev-dlt.reason")).isEqualTo("NON_RETRYABLE");
        assertThat(HeaderValues.last(headers, "jobwire.prev-dlt.original-offset")).isEqualTo("7");
        assertThat(HeaderValues.last(headers, "kafka_dlt-exception-message")).isEqualTo("a Spring dead letter's reason");
        assertThat(headers.headers(DeadLetterHeaders.FORMAT)).hasSize(1);
    }

    @Test
    void stackTraceIsBounded() {
        RuntimeException deep = new RuntimeException("x".repeat(50_000));
        assertThat(DeadLetter.stackTraceOf(deep)).hasSizeLessThanOrEqualTo(DeadLetter.MAX_STACK_TRACE_CHARS + 1);
    }
}
