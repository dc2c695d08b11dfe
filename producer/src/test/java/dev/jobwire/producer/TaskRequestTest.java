package dev.jobwire.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
