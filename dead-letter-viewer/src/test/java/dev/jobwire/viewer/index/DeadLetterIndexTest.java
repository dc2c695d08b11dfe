package dev.jobwire.viewer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterIndexTest {
    private final AtomicLong version = new AtomicLong();
    private final MarkStore marks = new MarkStore(version);

    static EntryDecoder.Decoded entry(String topic, long offset, Instant at, String type, String exception, String message) {
        RecordHeaders h = new RecordHeaders();
        HeaderValues.put(h, TaskHeaders.TASK_TYPE, type);
        new DeadLetter("tasks", 0, offset, at, DeadLetterReason.RETRIES_EXHAUSTED, 1,
                List.of(new AttemptFailure(1, at, exception, message)), exception, message,
                exception + ": " + message + "\n\tat com.acme.H.handle(H.java:1)\n", "w1", at).writeTo(h);
        return EntryDecoder.decode(new DeadLetterRef(topic, 0, offset), at, ("k" + offset).getBytes(StandardCharsets.UTF_8),
                ("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8), h);
    }

    @Test
    void evictsOldestBeyondTheLimitPerTopic() {
        DeadLetterIndex index = new DeadLetterIndex(3, version, marks);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 5; i++) {
            index.addAll(List.of(entry("a.dlt", i, t.plusSeconds(i), "x", "E", "m")));
        }
        index.addAll(List.of(entry("b.dlt", 0, t, "x", "E", "m")));
        assertThat(index.size()).isEqualTo(4);
        assertThat(index.find(new Query(java.util.Set.of("a.dlt"), null, null, null, null, null, null, null, null)))
                .extracting(e -> e.ref().offset()).containsExactly(4L, 3L, 2L);
        assertThat(index.get(new DeadLetterRef("a.dlt", 0, 0))).isNull();
    }

    @Test
    void filtersAndGroups() {
        DeadLetterIndex index = new DeadLetterIndex(100, version, marks);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        index.addAll(List.of(
                entry("a.dlt", 0, t, "email.send", "java.io.IOException", "timeout after 10 ms"),
                entry("a.dlt", 1, t.plusSeconds(60), "email.send", "java.io.IOException", "timeout after 20 ms"),
                entry("a.dlt", 2, t.plusSeconds(120), "pdf.render", "java.lang.IllegalStateException", "bad template 7")));
        assertThat(index.find(Query.fromParams(Map.of("type", "email.send")))).hasSize(2);
        assertThat(index.find(Query.fromParams(Map.of("exception", "java.lang.IllegalStateException")))).hasSize(1);
        assertThat(index.find(Query.fromParams(Map.of("q", "TEMPLATE")))).hasSize(1);
        assertThat(index.find(Query.fromParams(Map.of("q", "\"n\":1")))).hasSize(1); // payload text
        assertThat(index.find(Query.fromParams(Map.of("from", "2026-01-01T00:01:00Z", "to", "2026-01-01T00:02:00Z"))))
                .extracting(e -> e.ref().offset()).containsExactly(1L);
        DeadLetterIndex.Groups groups = index.groups(Query.ALL);
        assertThat(groups.groups()).hasSize(2);
        DeadLetterIndex.Group first = groups.groups().getFirst();
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.fingerprint().normalizedMessage()).isEqualTo("timeout after <n> ms");
        assertThat(first.taskTypes()).containsOnlyKeys("email.send");
        assertThat(java.util.Arrays.stream(first.histogram()).sum()).isEqualTo(2);

        marks.apply("a.dlt/0/2", new Mark(Mark.State.RESOLVED, "me", t, null, null, null));
        assertThat(index.find(Query.fromParams(Map.of("status", "open")))).hasSize(2);
        assertThat(index.find(Query.fromParams(Map.of("status", "resolved")))).hasSize(1);
        assertThatThrownBy(() -> Query.fromParams(Map.of("from", "yesterday"))).hasMessageContaining("from");
    }

    @Test
    void undecodableRecordsAreStillIndexed() {
        RecordHeaders h = new RecordHeaders();
        h.add("jobwire.dlt.format", "1".getBytes(StandardCharsets.UTF_8));
        h.add("jobwire.dlt.reason", "NO_SUCH_REASON".getBytes(StandardCharsets.UTF_8));
        EntryDecoder.Decoded d = EntryDecoder.decode(new DeadLetterRef("a.dlt", 0, 9), Instant.now(), null, new byte[] {1, 2}, h);
        assertThat(d.entry().decodeError()).isNotBlank();
        assertThat(d.entry().format()).isEqualTo("unknown");
    }
}
