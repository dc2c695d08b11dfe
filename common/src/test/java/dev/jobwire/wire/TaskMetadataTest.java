package dev.jobwire.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TaskMetadataTest {
    private static final Instant CREATED = Instant.parse("2026-11-26T05:00:00.123Z");

    @Test
    void roundTripsEveryFieldThroughHeaders() throws Exception {
        TaskMetadata task = new TaskMetadata("id-1", "email.send", "text/plain", CREATED,
                CREATED.plusSeconds(30), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        Headers headers = new RecordHeaders();
        task.writeTo(headers);

        assertThat(HeaderValues.last(headers, TaskHeaders.FORMAT)).isEqualTo("1");
        assertThat(HeaderValues.last(headers, TaskHeaders.CREATED_AT)).isEqualTo("2026-11-26T05:00:00.123Z");
        assertThat(TaskMetadata.readFrom(headers)).isEqualTo(task);
    }

    @Test
    void optionalHeadersMayBeAbsent() throws Exception {
        Headers headers = new RecordHeaders();
        new TaskMetadata("id-2", "noop", "application/json", CREATED, null, null).writeTo(headers);

        assertThat(headers.lastHeader(TaskHeaders.DEADLINE)).isNull();
        assertThat(headers.lastHeader(TaskHeaders.TRACEPARENT)).isNull();
        TaskMetadata read = TaskMetadata.readFrom(headers);
        assertThat(read.deadline()).isNull();
        assertThat(read.isExpiredAt(Instant.MAX)).isFalse();
    }

    @Test
    void writingTwiceLeavesOneValuePerHeader() {
        Headers headers = new RecordHeaders();
        TaskMetadata.create("a", null, null, null).writeTo(headers);
        TaskMetadata.create("b", null, null, null).writeTo(headers);
        assertThat(headers.headers(TaskHeaders.TASK_TYPE)).hasSize(1);
        assertThat(HeaderValues.last(headers, TaskHeaders.TASK_TYPE)).isEqualTo("b");
    }

    @Test
    void namesTheMissingHeader() {
        Headers headers = new RecordHeaders();
        new TaskMetadata("id", "t", "application/json", CREATED, null, null).writeTo(headers);
        headers.remove(TaskHeaders.TASK_TYPE);
        assertThatThrownBy(() -> TaskMetadata.readFrom(headers))
                .isInstanceOf(MalformedTaskException.class)
                .hasMessage("missing header 'jobwire.task-type'");
    }

    @Test
    void rejectsAnUnknownFormatVersion() {
        Headers headers = new RecordHeaders();
        new TaskMetadata("id", "t", "application/json", CREATED, null, null).writeTo(headers);
        HeaderValues.put(headers, TaskHeaders.FORMAT, "2");
        assertThatThrownBy(() -> TaskMetadata.readFrom(headers)).hasMessageContaining("unsupported jobwire.format '2'");
    }

    @Test
    void rejectsABadTimestampAndABadType() {
        Headers badTime = new RecordHeaders();
        new TaskMetadata("id", "t", "application/json", CREATED, null, null).writeTo(badTime);
        HeaderValues.put(badTime, TaskHeaders.DEADLINE, "tomorrow");
        assertThatThrownBy(() -> TaskMetadata.readFrom(badTime))
                .hasMessage("header 'jobwire.deadline' is not an ISO-8601 instant: 'tomorrow'");

        Headers badType = new RecordHeaders();
        new TaskMetadata("id", "t", "application/json", CREATED, null, null).writeTo(badType);
        HeaderValues.put(badType, TaskHeaders.TASK_TYPE, "has space");
        assertThatThrownBy(() -> TaskMetadata.readFrom(badType)).hasMessageContaining("may hold only letters");
    }

    @Test
    void taskTypeRules() {
        assertThat(TaskTypes.problem("http.call")).isNull();
        assertThat(TaskTypes.problem("billing:invoice-2")).isNull();
        assertThat(TaskTypes.problem("")).isEqualTo("task type is required");
        assertThat(TaskTypes.problem(".hidden")).isNotNull();
        assertThat(TaskTypes.problem("x".repeat(129))).contains("longer than 128");
    }
}
