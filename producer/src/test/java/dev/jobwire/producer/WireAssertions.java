package dev.jobwire.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.wire.TaskHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Checks a record read back from Kafka against docs/wire-format.md, header by header. */
public final class WireAssertions {
    private WireAssertions() {
    }

    /**
     * @param deadline    expected {@code jobwire.deadline}, null when it must be absent
     * @param traceparent expected {@code traceparent}, null when it must be absent
     */
    public static void assertTaskHeaders(ConsumerRecord<byte[], byte[]> record, String taskId, String type,
            String contentType, Instant publishedAfter, Instant deadline, String traceparent,
            Map<String, String> customHeaders) {
        assertThat(only(record, TaskHeaders.FORMAT)).isEqualTo("1");
        assertThat(only(record, TaskHeaders.TASK_ID)).isEqualTo(taskId).hasSizeLessThanOrEqualTo(200);
        assertThat(only(record, TaskHeaders.TASK_TYPE)).isEqualTo(type);
        assertThat(only(record, TaskHeaders.CONTENT_TYPE)).isEqualTo(contentType);
        Instant createdAt = Instant.parse(only(record, TaskHeaders.CREATED_AT));
        assertThat(only(record, TaskHeaders.CREATED_AT)).endsWith("Z");
        assertThat(createdAt).isBetween(publishedAfter.minusMillis(1), Instant.now());
        assertThat(createdAt).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MINUTES));
        if (deadline == null) {
            assertThat(record.headers().lastHeader(TaskHeaders.DEADLINE)).isNull();
        } else {
            assertThat(Instant.parse(only(record, TaskHeaders.DEADLINE))).isEqualTo(deadline);
        }
        if (traceparent == null) {
            assertThat(record.headers().lastHeader(TaskHeaders.TRACEPARENT)).isNull();
        } else {
            assertThat(only(record, TaskHeaders.TRACEPARENT)).isEqualTo(traceparent);
        }
        customHeaders.forEach((name, value) -> assertThat(only(record, name)).as("header %s", name).isEqualTo(value));
        long jobwireHeaders = java.util.Arrays.stream(record.headers().toArray())
                .filter(h -> h.key().startsWith(TaskHeaders.RESERVED_PREFIX)).count();
        assertThat(jobwireHeaders).isEqualTo(deadline == null ? 5 : 6);
        assertThat(record.headers().toArray()).hasSize((int) jobwireHeaders + (traceparent == null ? 0 : 1)
                + customHeaders.size());
        assertThat(Duration.between(createdAt, Instant.now())).isLessThan(Duration.ofMinutes(1));
    }

    private static String only(ConsumerRecord<byte[], byte[]> record, String name) {
        Header[] headers = java.util.stream.StreamSupport.stream(record.headers().headers(name).spliterator(), false)
                .toArray(Header[]::new);
        assertThat(headers).as("headers named %s", name).hasSize(1);
        return new String(headers[0].value(), StandardCharsets.UTF_8);
    }
}
