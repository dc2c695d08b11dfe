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
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterIndexTest {
    private static final long PLENTY = 1L << 30;
    private final AtomicLong version = new AtomicLong();
    private final MarkStore marks = new MarkStore(version);

    static EntryDecoder.Decoded entry(String topic, long offset, Instant at, String type, String exception, String message) {
        return entry(topic, offset, at, type, exception, message, "{\"n\":" + offset + "}", null);
    }

    static EntryDecoder.Decoded entry(String topic, long offset, Instant at, String type, String exception, String message,
            String payload, String replayOf) {
        RecordHeaders h = new RecordHeaders();
        HeaderValues.put(h, TaskHeaders.TASK_TYPE, type);
        if (replayOf != null) {
            HeaderValues.put(h, TaskHeaders.REPLAY_OF, replayOf);
        }
        new DeadLetter("tasks", 0, offset, at, DeadLetterReason.RETRIES_EXHAUSTED, 1,
                List.of(new AttemptFailure(1, at, exception, message)), exception, message,
                exception + ": " + message + "\n\tat com.acme.H.handle(H.java:1)\n", "w1", at).writeTo(h);
        return EntryDecoder.DEFAULT.decode(new DeadLetterRef(topic, 0, offset), at, ("k" + offset).getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8), h);
    }

    @Test
    void evictsOldestBeyondTheLimitPerTopicAndSaysWhichOffsetsAreNotIndexed() {
        DeadLetterIndex index = new DeadLetterIndex(3, PLENTY, version, marks);
        index.partitionStarted("a.dlt", 0, 0, 0);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 5; i++) {
            index.addAll(List.of(entry("a.dlt", i, t.plusSeconds(i), "x", "E", "m")));
        }
        index.addAll(List.of(entry("b.dlt", 0, t, "x", "E", "m")));
        assertThat(index.size()).isEqualTo(4);
        assertThat(index.find(new Query(Set.of("a.dlt"), null, null, null, null, null, null, null, null)))
                .extracting(e -> e.ref().offset()).containsExactly(4L, 3L, 2L);
        assertThat(index.get(new DeadLetterRef("a.dlt", 0, 0))).isNull();
        DeadLetterIndex.Coverage c = index.coverage();
        assertThat(c.evictedForCount()).isEqualTo(2);
        assertThat(c.notIndexed()).containsExactly(new DeadLetterIndex.NotIndexed("a.dlt", 0, 0, 1, 2));
    }

    @Test
    void memoryIsBoundedByBytesAcrossTopicsNotOnlyByCount() {
        String tenKb = "{\"blob\":\"" + "x".repeat(10_000) + "\"}";
        DeadLetterIndex probe = new DeadLetterIndex(1_000_000, PLENTY, version, marks);
        probe.addAll(List.of(entry("a.dlt", 0, Instant.EPOCH, "x", "E", "m", tenKb, null)));
        long perEntry = probe.bytes();
        // The search text is cut to the decoder's budget, so an entry is far smaller than its payload.
        assertThat(perEntry).isBetween(4_096L, 10_000L);

        long budget = 50 * perEntry;
        DeadLetterIndex index = new DeadLetterIndex(1_000_000, budget, version, marks);
        index.partitionStarted("a.dlt", 0, 0, 0);
        index.partitionStarted("b.dlt", 0, 0, 0);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 300; i++) {
            String topic = i % 2 == 0 ? "a.dlt" : "b.dlt";
            index.addAll(List.of(entry(topic, i / 2, t.plusSeconds(i), "x", "E", "m" + i, tenKb, null)));
            assertThat(index.bytes()).isLessThanOrEqualTo(budget);
        }
        assertThat(index.size()).isBetween(45, 50);
        // The newest are kept, oldest first out, in both topics.
        assertThat(index.find(Query.ALL).getFirst().message()).isEqualTo("m299");
        DeadLetterIndex.Coverage c = index.coverage();
        assertThat(c.evictedForMemory()).isEqualTo(300 - index.size());
        assertThat(c.notIndexed()).extracting(DeadLetterIndex.NotIndexed::topic).containsExactly("a.dlt", "b.dlt");
        assertThat(c.notIndexed().stream().mapToLong(DeadLetterIndex.NotIndexed::records).sum()).isEqualTo(300 - index.size());
    }

    @Test
    void shrinkingGivesBackTheOldestEntriesAcrossTopicsAndNamesThemNotIndexed() {
        DeadLetterIndex index = new DeadLetterIndex(1_000_000, PLENTY, version, marks);
        index.partitionStarted("a.dlt", 0, 0, 0);
        index.partitionStarted("b.dlt", 0, 0, 0);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 100; i++) {
            String topic = i % 2 == 0 ? "a.dlt" : "b.dlt";
            index.addAll(List.of(entry(topic, i / 2, t.plusSeconds(i), "x", "E", "m" + i)));
        }
        long full = index.bytes();
        long versionBefore = index.version();

        index.shrinkTo(full / 2);

        assertThat(index.bytes()).isLessThanOrEqualTo(full / 2).isGreaterThan(full / 2 - full / 50);
        assertThat(index.size()).isBetween(49, 51);
        assertThat(index.find(Query.ALL).getLast().message()).as("the oldest kept").isEqualTo("m" + (100 - index.size()));
        assertThat(index.version()).as("pages refresh").isGreaterThan(versionBefore);
        DeadLetterIndex.Coverage c = index.coverage();
        assertThat(c.evictedForMemory()).isEqualTo(100 - index.size());
        assertThat(c.notIndexed().stream().mapToLong(DeadLetterIndex.NotIndexed::records).sum()).isEqualTo(100 - index.size());

        index.shrinkTo(0);
        assertThat(index.size()).isZero();
        assertThat(index.bytes()).isZero();
    }

    @Test
    void filtersAndGroupsCountEveryStatus() {
        DeadLetterIndex index = new DeadLetterIndex(100, PLENTY, version, marks);
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
        Grouping.Groups groups = index.groups(Query.ALL, 0, 50);
        assertThat(groups.groups()).hasSize(2);
        Grouping.Group first = groups.groups().getFirst();
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.messages()).containsOnlyKeys("timeout after <n> ms");
        assertThat(first.taskTypes()).containsOnlyKeys("email.send");
        assertThat(java.util.Arrays.stream(first.histogram()).sum()).isEqualTo(2);

        marks.apply("a.dlt/0/1", new Mark(Mark.State.RESOLVED, "me", t, null, null, null, 0, null, null));
        marks.apply("a.dlt/0/2", new Mark(Mark.State.REPLAYED, "me", t, null, "tasks", "j", 1, "tasks/0/9", null));
        assertThat(index.find(Query.fromParams(Map.of("status", "open")))).hasSize(1);
        assertThat(index.find(Query.fromParams(Map.of("status", "resolved")))).hasSize(1);
        // Open first: only groups with open dead letters, each still counting all three states.
        Grouping.Groups open = index.groups(Query.fromParams(Map.of("status", "open")), 0, 50);
        assertThat(open.groups()).hasSize(1);
        Grouping.Group g = open.groups().getFirst();
        assertThat(List.of(g.count(), g.open(), g.replayed(), g.resolved())).containsExactly(1, 1, 0, 1);
        assertThat(open.statusCounts()).containsEntry("open", 1).containsEntry("replayed", 1).containsEntry("resolved", 1);
        assertThatThrownBy(() -> Query.fromParams(Map.of("from", "yesterday"))).hasMessageContaining("from");
    }

    @Test
    void groupsArePagedAndAHugePageIsEmptyNotAnError() {
        DeadLetterIndex index = new DeadLetterIndex(10_000, PLENTY, version, marks);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 120; i++) {
            index.addAll(List.of(entry("a.dlt", i, t.plusSeconds(i), "x", "E" + (i % 60), "m")));
        }
        Grouping.Groups page = index.groups(Query.ALL, 1, 50);
        assertThat(page.totalGroups()).isEqualTo(60);
        assertThat(page.groups()).hasSize(10);
        assertThat(index.groups(Query.ALL, Integer.MAX_VALUE, 200).groups()).isEmpty();
        DeadLetterIndex.Page huge = index.list(Query.ALL, Integer.MAX_VALUE, 500);
        assertThat(huge.total()).isEqualTo(120);
        assertThat(huge.items()).isEmpty();
        // The bounded top-k and the full sort agree.
        assertThat(index.list(Query.ALL, 2, 50).items()).isEqualTo(index.find(Query.ALL).subList(100, 120));
    }

    @Test
    void relativeRangesEndNow() {
        Query q = Query.fromParams(Map.of("range", "1h"));
        assertThat(q.from()).isBetween(Instant.now().minusSeconds(3_605), Instant.now().minusSeconds(3_595));
        assertThatThrownBy(() -> Query.fromParams(Map.of("range", "soon"))).hasMessageContaining("range");
        assertThatThrownBy(() -> Query.fromParams(Map.of("range", "1h", "from", "2026-01-01T00:00:00Z")))
                .hasMessageContaining("either");
    }

    @Test
    void knowsWhichDeadLettersAReplayCameBackAs() {
        DeadLetterIndex index = new DeadLetterIndex(100, PLENTY, version, marks);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        index.addAll(List.of(entry("a.dlt", 0, t, "x", "E", "m"),
                entry("a.dlt", 1, t.plusSeconds(60), "x", "E", "m", "{}", "a.dlt/0/0")));
        assertThat(index.replaysOf(new DeadLetterRef("a.dlt", 0, 0))).extracting(e -> e.ref().offset()).containsExactly(1L);
        ReplayOutcomes outcomes = new ReplayOutcomes(index, java.time.Duration.ofMinutes(15));
        Mark replayed = new Mark(Mark.State.REPLAYED, "me", t.plusSeconds(30), null, "tasks", "j", 1, "tasks/0/5", null);
        assertThat(outcomes.of(new DeadLetterRef("a.dlt", 0, 0), replayed).state()).isEqualTo("FAILED_AGAIN");
        assertThat(outcomes.of(new DeadLetterRef("a.dlt", 0, 1),
                new Mark(Mark.State.REPLAYED, "me", t, null, "tasks", "j", 1, null, null)).state()).isEqualTo("SUCCEEDED");
        assertThat(outcomes.of(new DeadLetterRef("a.dlt", 0, 1),
                new Mark(Mark.State.REPLAYED, "me", Instant.now(), null, "tasks", "j", 1, null, null)).state()).isEqualTo("PENDING");
    }

    @Test
    void undecodableRecordsAreStillIndexed() {
        RecordHeaders h = new RecordHeaders();
        h.add("jobwire.dlt.format", "1".getBytes(StandardCharsets.UTF_8));
        h.add("jobwire.dlt.reason", "NO_SUCH_REASON".getBytes(StandardCharsets.UTF_8));
        EntryDecoder.Decoded d = EntryDecoder.DEFAULT.decode(new DeadLetterRef("a.dlt", 0, 9), Instant.now(), null, new byte[] {1, 2}, h);
        assertThat(d.entry().decodeError()).isNotBlank();
        assertThat(d.entry().format()).isEqualTo("unknown");
    }

    @Test
    void readsTheWorkersNewerHeadersWithoutBreaking() {
        RecordHeaders h = new RecordHeaders();
        HeaderValues.put(h, TaskHeaders.TASK_TYPE, "x");
        HeaderValues.put(h, TaskHeaders.REPLAY_COUNT, "2147483647");
        h.add("jobwire.prev-dlt.format", "1".getBytes(StandardCharsets.UTF_8));
        h.add("jobwire.prev-dlt.reason", "RETRIES_EXHAUSTED".getBytes(StandardCharsets.UTF_8));
        h.add("jobwire.prev-dlt.format", "1".getBytes(StandardCharsets.UTF_8));
        h.add("jobwire.prev-dlt.reason", "EXPIRED".getBytes(StandardCharsets.UTF_8));
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        new DeadLetter("tasks", 0, 1, at, DeadLetterReason.RETRIES_EXHAUSTED, 5,
                List.of(new AttemptFailure(4, at, "E", "m"), new AttemptFailure(5, at, "E", "m")), "E", "m", "", "w", at).writeTo(h);
        h.add(EntryDecoder.VALUE_OMITTED, "5242880".getBytes(StandardCharsets.UTF_8));
        DeadLetterEntry e = EntryDecoder.DEFAULT.decode(new DeadLetterRef("a.dlt", 0, 3), at, null, "{}".getBytes(StandardCharsets.UTF_8), h).entry();
        assertThat(e.decodeError()).isNull();
        assertThat(e.valueOmittedBytes()).isEqualTo(5_242_880L);
        assertThat(e.earlierRounds()).isEqualTo(2);
        assertThat(e.attempts()).isEqualTo(5);
        assertThat(e.replayCount()).isEqualTo(new ReplayCount(2_147_483_647, false, null));
    }
}
