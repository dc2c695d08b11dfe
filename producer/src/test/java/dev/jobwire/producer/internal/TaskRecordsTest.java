package dev.jobwire.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobwire.producer.TaskRequest;
import dev.jobwire.wire.TaskHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** The record a request becomes at the moment it is published, with a simulated clock. */
class TaskRecordsTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00.123456Z");

    @Test
    void aTaskWithAtLeastASecondLeftQueuesForTheDelayTopicWithItsStartTime() {
        PreparedTask task = TaskRecords.prepare(TaskRequest.builder("t").key("k").delay(Duration.ofSeconds(5)).build(),
                "tasks", NOW);
        assertThat(task.record().topic()).isEqualTo("tasks.delay");
        assertThat(task.record().partition()).as("the tier is picked when it is sent").isNull();
        assertThat(task.taskTopic()).isEqualTo("tasks");
        assertThat(task.waitsInDelayTopic()).isTrue();
        assertThat(task.notBefore()).isEqualTo(NOW.plusSeconds(5));
        assertThat(header(task, TaskHeaders.NOT_BEFORE)).isEqualTo("2026-11-30T12:00:05.123456Z");
        assertThat(header(task, TaskHeaders.CREATED_AT)).as("the delay counts from created-at").isEqualTo(NOW.toString());
        assertThat(new String(task.record().key(), StandardCharsets.UTF_8)).isEqualTo("k");
    }

    @Test
    void lessThanASecondLeftGoesToTheTaskTopicWithTheHeader() {
        PreparedTask task = TaskRecords.prepare(TaskRequest.builder("t").delay(Duration.ofMillis(300)).topic("other").build(),
                "tasks", NOW);
        assertThat(task.record().topic()).isEqualTo("other");
        assertThat(task.waitsInDelayTopic()).isFalse();
        assertThat(task.notBefore()).isEqualTo(NOW.plusMillis(300));
        assertThat(header(task, TaskHeaders.NOT_BEFORE)).isEqualTo("2026-11-30T12:00:00.423456Z");
    }

    @Test
    void aNotBeforeAlreadyPastRunsAtOnceWithoutTheHeader() {
        PreparedTask task = TaskRecords.prepare(TaskRequest.builder("t").notBefore(NOW.minusSeconds(60)).build(), "tasks", NOW);
        assertThat(task.record().topic()).isEqualTo("tasks");
        assertThat(task.notBefore()).isNull();
        assertThat(task.record().headers().lastHeader(TaskHeaders.NOT_BEFORE)).isNull();
        PreparedTask later = TaskRecords.prepare(TaskRequest.builder("t").notBefore(NOW.plusSeconds(3600)).build(), "tasks", NOW);
        assertThat(later.record().topic()).isEqualTo("tasks.delay");
        assertThat(header(later, TaskHeaders.NOT_BEFORE)).isEqualTo(NOW.plusSeconds(3600).toString());
    }

    @Test
    void clockChecksFailBeforeAnyRecordExists() {
        assertThatThrownBy(() -> TaskRecords.prepare(TaskRequest.builder("t").deadline(NOW).build(), "tasks", NOW))
                .hasMessage("deadline 2026-11-30T12:00:00.123456Z has already passed");
        assertThatThrownBy(() -> TaskRecords.prepare(TaskRequest.builder("t").delay(Duration.ofMinutes(5))
                .deadline(NOW.plusSeconds(60)).build(), "tasks", NOW))
                .hasMessageEndingWith("the task would expire before it may start");
    }

    private static String header(PreparedTask task, String name) {
        Header header = task.record().headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
