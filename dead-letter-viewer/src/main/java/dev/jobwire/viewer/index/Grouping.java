package dev.jobwire.viewer.index;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Groups dead letters by error ({@link Fingerprint}) for one query. Every group counts its dead
 * letters per status (open / replayed / resolved) whatever status the query asks for, so a card can
 * show all three; the query's status decides which groups are listed (those with at least one dead
 * letter in it) and what the headline count, the times, the histogram and the sample are about.
 * Groups come largest first, a page at a time.
 *
 * <p>Thread-safety: not thread-safe; one instance serves one query on one thread.
 */
public final class Grouping {
    public static final int HISTOGRAM_BUCKETS = 24;
    /** Masked message variants shown per group. */
    private static final int MESSAGES_SHOWN = 3;

    private final Query query;
    private final MarkStore marks;
    private final Map<String, Builder> builders = new HashMap<>();
    private final Map<String, Integer> statusTotals = new LinkedHashMap<>();
    private long minMillis = Long.MAX_VALUE;
    private long maxMillis = Long.MIN_VALUE;

    Grouping(Query query, MarkStore marks) {
        this.query = query;
        this.marks = marks;
        statusTotals.put(MarkStore.OPEN, 0);
        statusTotals.put(MarkStore.REPLAYED, 0);
        statusTotals.put(MarkStore.RESOLVED, 0);
    }

    /** Adds a dead letter that matches the query apart from its status. */
    void add(DeadLetterEntry e) {
        String status = marks.status(e.ref());
        statusTotals.merge(status, 1, Integer::sum);
        Builder b = builders.computeIfAbsent(e.fingerprint(), Builder::new);
        b.countStatus(status);
        if (query.status() == null || query.status().equals(status)) {
            b.add(e);
            long t = e.timestamp().toEpochMilli();
            minMillis = Math.min(minMillis, t);
            maxMillis = Math.max(maxMillis, t);
        }
    }

    /**
     * @param fingerprints a group id's fingerprint (null when evicted meanwhile)
     * @param page         0-based page of groups
     * @param size         groups per page
     */
    Groups result(Function<String, Fingerprint> fingerprints, int page, int size) {
        List<Builder> listed = new ArrayList<>();
        int total = 0;
        for (Builder b : builders.values()) {
            if (b.count > 0) {
                listed.add(b);
                total += b.count;
            }
        }
        listed.sort(Comparator.comparingInt((Builder b) -> b.count).reversed()
                .thenComparing(b -> b.sample.timestamp(), Comparator.reverseOrder()));
        // The histogram's time axis: the query's range when it has one, else the listed dead letters' span.
        long axisFrom = query.from() != null ? query.from().toEpochMilli() : minMillis;
        long axisTo = query.to() != null ? query.to().toEpochMilli()
                : query.from() != null ? Math.max(System.currentTimeMillis(), maxMillis + 1) : maxMillis + 1;
        if (total == 0 && query.from() == null) {
            return new Groups(0, 0, page, size, null, null, 0, statusTotals, List.of());
        }
        long span = Math.max(HISTOGRAM_BUCKETS, axisTo - axisFrom);
        long from = (long) page * size;
        List<Group> groups = new ArrayList<>();
        for (long i = from; i < Math.min(listed.size(), from + size); i++) {
            Builder b = listed.get((int) i);
            groups.add(b.build(fingerprints.apply(b.id), axisFrom, span));
        }
        return new Groups(total, listed.size(), page, size, Instant.ofEpochMilli(axisFrom), Instant.ofEpochMilli(axisFrom + span),
                span / HISTOGRAM_BUCKETS, statusTotals, groups);
    }

    /**
     * @param total        dead letters in the listed groups (in the query's status)
     * @param totalGroups  groups listed in all pages
     * @param from         the histograms' time axis start (null when nothing matched)
     * @param to           the axis end
     * @param bucketMillis width of one histogram bar
     * @param statusCounts dead letters per status for the query without its status filter
     */
    public record Groups(int total, int totalGroups, int page, int size, Instant from, Instant to, long bucketMillis,
            Map<String, Integer> statusCounts, List<Group> groups) {
    }

    /**
     * @param fingerprint what identifies the group (null only if it was evicted meanwhile)
     * @param count       dead letters in the query's status
     * @param open        open dead letters of the group (whatever the query's status)
     * @param messages    the most frequent masked messages, with counts
     * @param sample      the newest dead letter counted
     * @param histogram   arrivals per bucket over the {@link Groups} time axis
     */
    public record Group(String id, Fingerprint fingerprint, int count, int open, int replayed, int resolved,
            Instant firstSeen, Instant lastSeen, Map<String, Integer> taskTypes, Map<String, Integer> topics,
            Map<String, Integer> reasons, Map<String, Integer> messages, DeadLetterEntry sample, int[] histogram) {
    }

    private static final class Builder {
        private final String id;
        private DeadLetterEntry sample;
        private int count;
        private int open;
        private int replayed;
        private int resolved;
        private long[] times = new long[4];
        private final Map<String, Integer> taskTypes = new TreeMap<>();
        private final Map<String, Integer> topics = new TreeMap<>();
        private final Map<String, Integer> reasons = new TreeMap<>();
        private final Map<String, Integer> messages = new HashMap<>();

        Builder(String id) {
            this.id = id;
        }

        void countStatus(String status) {
            switch (status) {
                case MarkStore.REPLAYED -> replayed++;
                case MarkStore.RESOLVED -> resolved++;
                default -> open++;
            }
        }

        void add(DeadLetterEntry e) {
            if (count == times.length) {
                times = Arrays.copyOf(times, count * 2);
            }
            times[count++] = e.timestamp().toEpochMilli();
            if (sample == null || DeadLetterIndex.NEWEST_FIRST.compare(e, sample) < 0) {
                sample = e;
            }
            taskTypes.merge(e.taskType() == null ? "(none)" : e.taskType(), 1, Integer::sum);
            topics.merge(e.ref().topic(), 1, Integer::sum);
            reasons.merge(e.reason() == null ? "(none)" : e.reason(), 1, Integer::sum);
            if (messages.size() < 1_000 || messages.containsKey(e.normalizedMessage())) {
                messages.merge(e.normalizedMessage(), 1, Integer::sum);
            }
        }

        Group build(Fingerprint fingerprint, long axisFrom, long span) {
            int[] histogram = new int[HISTOGRAM_BUCKETS];
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (int i = 0; i < count; i++) {
                long t = times[i];
                first = Math.min(first, t);
                last = Math.max(last, t);
                int bucket = (int) ((t - axisFrom) * HISTOGRAM_BUCKETS / span);
                histogram[Math.max(0, Math.min(HISTOGRAM_BUCKETS - 1, bucket))]++;
            }
            Map<String, Integer> top = new LinkedHashMap<>();
            messages.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(MESSAGES_SHOWN).forEach(m -> top.put(m.getKey(), m.getValue()));
            return new Group(id, fingerprint, count, open, replayed, resolved, Instant.ofEpochMilli(first),
                    Instant.ofEpochMilli(last), taskTypes, topics, reasons, top, sample, histogram);
        }
    }
}
