package dev.jobwire.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskRequestTest {

    @Test
    void defaults() {
        TaskRequest request = TaskRequest.builder("email.send").build();
        assertThat(request.payload()).isEmpty();
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.headers()).isEmpty();
        assertThat(request.key()).isNull();
        assertThat(request.topic()).isNull();
        assertThat(request.deadline()).isNull();
        assertThat(request.delay()).isNull();
        assertThat(request.notBefore()).isNull();
        assertThat(request.startTime(NOW)).isNull();
    }

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void aDelayCountsFromTheMomentOfPublishing() {
        TaskRequest request = TaskRequest.builder("t").delay(Duration.ofSeconds(30)).build();
        assertThat(request.startTime(NOW)).isEqualTo(Instant.parse("2026-11-30T12:00:30Z"));
        assertThat(request.startTime(NOW.plusMillis(250))).isEqualTo(Instant.parse("2026-11-30T12:00:30.250Z"));
        assertThat(TaskRequest.builder("t").delay(Duration.ZERO).build().startTime(NOW)).as("zero: at once").isNull();
        assertThat(TaskRequest.builder("t").delay(TaskRequest.MAX_DELAY).build().startTime(NOW))
                .isEqualTo(NOW.plus(Duration.ofDays(3650)));
    }

    @Test
    void notBeforeIsKeptWhenAheadAndMeansAtOnceWhenPast() {
        Instant later = NOW.plusSeconds(3600);
        assertThat(TaskRequest.builder("t").notBefore(later).build().startTime(NOW)).isEqualTo(later);
        assertThat(TaskRequest.builder("t").notBefore(NOW.minusSeconds(1)).build().startTime(NOW)).isNull();
        assertThat(TaskRequest.builder("t").notBefore(NOW).build().startTime(NOW)).isNull();
        assertThat(TaskRequest.builder("t").notBefore(Instant.EPOCH).build().startTime(NOW)).isNull();
    }

    @Test
    void invalidStartTimesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> TaskRequest.builder("t").delay(Duration.ofSeconds(-5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delay -5s is negative; a task cannot be scheduled in the past (no delay, or zero, starts it at once)");
        assertThatThrownBy(() -> TaskRequest.builder("t").delay(Duration.ofDays(3651)).build())
                .hasMessage("delay 87624h is longer than the maximum of 3650 days (about 10 years)");
        assertThatThrownBy(() -> TaskRequest.builder("t").delay(Duration.ofSeconds(Long.MAX_VALUE)).build())
                .hasMessageStartingWith("delay PT").hasMessageEndingWith("is longer than the maximum of 3650 days (about 10 years)");
        assertThatThrownBy(() -> TaskRequest.builder("t").delay(Duration.ofSeconds(1)).notBefore(NOW).build())
                .hasMessage("give either a delay or a notBefore, not both");
        assertThatThrownBy(() -> TaskRequest.builder("t").notBefore(NOW.plusSeconds(60)).deadline(NOW.plusSeconds(60)).build())
                .hasMessage("deadline 2026-11-30T12:01:00Z is not after the start time 2026-11-30T12:01:00Z: "
                        + "the task would expire before it may start");
        TaskRequest tooFar = TaskRequest.builder("t").notBefore(NOW.plus(Duration.ofDays(3650)).plusSeconds(1)).build();
        assertThatThrownBy(() -> tooFar.startTime(NOW))
                .hasMessage("notBefore 2036-11-27T12:00:01Z is more than 3650 days (about 10 years) ahead");
        assertThat(tooFar.startTime(NOW.plusSeconds(1))).isEqualTo(tooFar.notBefore());
        TaskRequest expiresFirst = TaskRequest.builder("t").delay(Duration.ofMinutes(10)).deadline(NOW.plusSeconds(300)).build();
        assertThatThrownBy(() -> expiresFirst.startTime(NOW))
                .hasMessage("deadline 2026-11-30T12:05:00Z is not after the start time 2026-11-30T12:10:00Z: "
                        + "the task would expire before it may start");
        assertThat(TaskRequest.builder("t").delay(Duration.ofMinutes(4)).deadline(NOW.plusSeconds(300)).build().startTime(NOW))
                .isEqualTo(NOW.plusSeconds(240));
    }

    @Test
    void invalidTypeIsRejectedWithTheWireFormatsReason() {
        assertThatThrownBy(() -> TaskRequest.builder("has space").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("task type 'has space' may hold only");
        assertThatThrownBy(() -> TaskRequest.builder(null).build()).hasMessage("task type is required");
        assertThatThrownBy(() -> TaskRequest.builder("x".repeat(129)).build()).hasMessage("task type is longer than 128 characters");
    }

    @Test
    void reservedHeadersAreRejectedInAnyCase() {
        assertThatThrownBy(() -> TaskRequest.builder("t").header("jobwire.task-id", "x").build())
                .hasMessage("header 'jobwire.task-id' is reserved: names starting with 'jobwire.' are set by Jobwire");
        assertThatThrownBy(() -> TaskRequest.builder("t").header("JobWire.Format", "2").build())
                .hasMessageContaining("is reserved");
        assertThatThrownBy(() -> TaskRequest.builder("t").header("traceparent", "x").build())
                .hasMessage("header 'traceparent' is reserved: set the traceparent field instead");
        assertThatThrownBy(() -> TaskRequest.builder("t").header("", "x").build()).hasMessage("header names must not be empty");
        assertThatThrownBy(() -> TaskRequest.builder("t").header("a", null).build()).hasMessage("header 'a' has no value");
        assertThat(TaskRequest.builder("t").header("jobwirex", "ok").build().headers()).containsEntry("jobwirex", "ok");
    }

    @Test
    void headerNamesWithControlOrBidiCharactersAreRejected() {
        assertThatThrownBy(() -> TaskRequest.builder("t").header("x\r\nX-Forged: 1", "v").build())
                .hasMessage("header name 'x\\r\\nX-Forged: 1' holds U+000D at position 1: header names must not hold "
                        + "control characters (CR, LF, NUL...) or bidirectional controls");
        for (String name : new String[] {"a\nb", "nul\u0000", "tab\t", "del\u007f", "c1\u0085", "rlo\u202eexe.txt",
                "isolate\u2066x", "mark\u200f"}) {
            assertThatThrownBy(() -> TaskRequest.builder("t").header(name, "v").build()).as(name)
                    .hasMessageContaining("must not hold control characters");
        }
        assertThat(TaskRequest.builder("t").header("Tenant-Name_ü.1", "v").build().headers()).containsKey("Tenant-Name_ü.1");
    }

    @Test
    void contentTypeTraceparentAndTopicAreChecked() {
        assertThatThrownBy(() -> TaskRequest.builder("t").contentType("json").build())
                .hasMessage("content type 'json' is not a MIME type like application/json");
        assertThat(TaskRequest.builder("t").contentType("text/plain; charset=utf-8").build().contentType())
                .isEqualTo("text/plain; charset=utf-8");
        assertThatThrownBy(() -> TaskRequest.builder("t").traceparent("00-ABC").build()).hasMessageContaining("not W3C trace context");
        assertThatThrownBy(() -> TaskRequest.builder("t").topic("bad topic").build()).hasMessageContaining("not a legal Kafka topic name");
        assertThatThrownBy(() -> TaskRequest.builder("t").topic("..").build()).hasMessageContaining("not a legal Kafka topic name");
        assertThatThrownBy(() -> TaskRequest.builder("t").topic("x".repeat(250)).build()).hasMessageContaining("not a legal Kafka topic name");
    }

    @Test
    void isImmutable() {
        byte[] payload = {1, 2};
        java.util.Map<String, String> headers = new java.util.HashMap<>(Map.of("a", "1"));
        TaskRequest request = TaskRequest.builder("t").payload(payload).headers(headers).build();
        payload[0] = 9;
        headers.put("b", "2");
        request.payload()[1] = 9;
        assertThat(request.payload()).containsExactly(1, 2);
        assertThat(request.payloadSize()).isEqualTo(2);
        assertThat(request.headers()).containsOnlyKeys("a");
        assertThatThrownBy(() -> request.headers().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }
}
