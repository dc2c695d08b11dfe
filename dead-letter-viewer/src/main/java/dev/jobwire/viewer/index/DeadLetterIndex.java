package dev.jobwire.viewer.index;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The bounded in-memory index of dead letters: per dead-letter topic the newest {@code maxPerTopic}
 * entries (the oldest are evicted first), with list, group and facet queries.
 *
 * <p>Thread-safety: one follower thread adds, any number of HTTP threads query, under a
 * read-write lock. {@link #version()} changes whenever entries or marks change, so the page can
 * poll it cheaply.
 */
public final class DeadLetterIndex {
    /** Newest first; ties (same millisecond) by reference, newest offset first. */
    public static final Comparator<DeadLetterEntry> NEWEST_FIRST = Comparator
            .comparing(DeadLetterEntry::timestamp).thenComparing(DeadLetterEntry::ref).reversed();
    public static final int HISTOGRAM_BUCKETS = 24;

    private final int maxPerTopic;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, ArrayDeque<DeadLetterEntry>> byTopic = new HashMap<>();
    private final Map<DeadLetterRef, DeadLetterEntry> byRef = new HashMap<>();
    private final Map<String, Fingerprint> fingerprints = new HashMap<>();
    private final Map<String, Integer> fingerprintUse = new HashMap<>();
    private final AtomicLong version;
    private final MarkStore marks;

    public DeadLetterIndex(int maxPerTopic, AtomicLong sharedVersion, MarkStore marks) {
        if (maxPerTopic < 1) {
            throw new IllegalArgumentException("maxPerTopic must be at least 1");
        }
        this.maxPerTopic = maxPerTopic;
        this.version = sharedVersion;
        this.marks = marks;
    }

    /** Adds entries (in offset order per partition); an entry already present is ignored. */
    public void addAll(Collection<EntryDecoder.Decoded> decoded) {
        if (decoded.isEmpty()) {
            return;
        }
        lock.writeLock().lock();
        try {
            for (EntryDecoder.Decoded d : decoded) {
                DeadLetterEntry e = d.entry();
                if (byRef.putIfAbsent(e.ref(), e) != null) {
                    continue;
                }
                fingerprints.putIfAbsent(e.fingerprint(), d.fingerprint());
                fingerprintUse.merge(e.fingerprint(), 1, Integer::sum);
                ArrayDeque<DeadLetterEntry> deque = byTopic.computeIfAbsent(e.ref().topic(), t -> new ArrayDeque<>());
                deque.addLast(e);
                while (deque.size() > maxPerTopic) {
                    evict(deque.removeFirst());
                }
            }
            version.incrementAndGet();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void evict(DeadLetterEntry old) {
        byRef.remove(old.ref());
        if (fingerprintUse.merge(old.fingerprint(), -1, Integer::sum) <= 0) {
            fingerprintUse.remove(old.fingerprint());
            fingerprints.remove(old.fingerprint());
        }
    }

    public long version() {
        return version.get();
    }

    public DeadLetterEntry get(DeadLetterRef ref) {
        lock.readLock().lock();
        try {
            return byRef.get(ref);
        } finally {
            lock.readLock().unlock();
        }
    }

    public Fingerprint fingerprint(String id) {
        lock.readLock().lock();
        try {
            return fingerprints.get(id);
        } finally {
            lock.readLock().unlock();
        }
    }

    public int size() {
        lock.readLock().lock();
        try {
            return byRef.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every entry matching {@code query}, newest first. */
    public List<DeadLetterEntry> find(Query query) {
        List<DeadLetterEntry> out = new ArrayList<>();
        lock.readLock().lock();
        try {
            for (var entry : byTopic.entrySet()) {
                if (!query.topics().isEmpty() && !query.topics().contains(entry.getKey())) {
                    continue;
                }
                for (DeadLetterEntry e : entry.getValue()) {
                    if (query.matches(e, marks)) {
                        out.add(e);
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        out.sort(NEWEST_FIRST);
        return out;
    }

    /** One page (0-based) of the entries matching {@code query}, newest first. */
    public Page list(Query query, int page, int size) {
        List<DeadLetterEntry> all = find(query);
        int from = Math.min(all.size(), page * size);
        int to = Math.min(all.size(), from + size);
        return new Page(all.size(), page, size, List.copyOf(all.subList(from, to)));
    }

    public record Page(int total, int page, int size, List<DeadLetterEntry> items) {
    }

    /**
     * The error groups of the entries matching {@code query}, largest first, each with a histogram
     * of arrivals over the common time range {@code [from, to]} of all matching entries.
     */
    public Groups groups(Query query) {
        List<DeadLetterEntry> all = find(query);
        if (all.isEmpty()) {
            return new Groups(0, null, null, List.of());
        }
        Instant last = all.getFirst().timestamp();
        Instant first = all.getLast().timestamp();
        long span = Math.max(1, last.toEpochMilli() - first.toEpochMilli() + 1);
        Map<String, GroupBuilder> builders = new LinkedHashMap<>();
        for (DeadLetterEntry e : all) {
            GroupBuilder b = builders.computeIfAbsent(e.fingerprint(), id -> new GroupBuilder(id, e));
            b.add(e, (int) ((e.timestamp().toEpochMilli() - first.toEpochMilli()) * HISTOGRAM_BUCKETS / span));
        }
        List<Group> groups = new ArrayList<>();
        lock.readLock().lock();
        try {
            for (GroupBuilder b : builders.values()) {
                groups.add(b.build(fingerprints.get(b.id)));
            }
        } finally {
            lock.readLock().unlock();
        }
        groups.sort(Comparator.comparingInt(Group::count).reversed().thenComparing(Group::lastSeen, Comparator.reverseOrder()));
        return new Groups(all.size(), first, last, groups);
    }

    public record Groups(int total, Instant from, Instant to, List<Group> groups) {
    }

    /**
     * @param fingerprint  what identifies the group (null only if it was evicted meanwhile)
     * @param sample       the newest dead letter of the group
     * @param histogram    arrivals per bucket over the {@link Groups} time range
     */
    public record Group(String id, Fingerprint fingerprint, int count, Instant firstSeen, Instant lastSeen,
            Map<String, Integer> taskTypes, Map<String, Integer> topics, Map<String, Integer> reasons,
            DeadLetterEntry sample, int[] histogram) {
    }

    private static final class GroupBuilder {
        private final String id;
        private final DeadLetterEntry sample;
        private int count;
        private Instant firstSeen;
        private Instant lastSeen;
        private final Map<String, Integer> taskTypes = new TreeMap<>();
        private final Map<String, Integer> topics = new TreeMap<>();
        private final Map<String, Integer> reasons = new TreeMap<>();
        private final int[] histogram = new int[HISTOGRAM_BUCKETS];

        GroupBuilder(String id, DeadLetterEntry newest) {
            this.id = id;
            this.sample = newest;
        }

        void add(DeadLetterEntry e, int bucket) {
            count++;
            firstSeen = firstSeen == null || e.timestamp().isBefore(firstSeen) ? e.timestamp() : firstSeen;
            lastSeen = lastSeen == null || e.timestamp().isAfter(lastSeen) ? e.timestamp() : lastSeen;
            taskTypes.merge(e.taskType() == null ? "(none)" : e.taskType(), 1, Integer::sum);
            topics.merge(e.ref().topic(), 1, Integer::sum);
            reasons.merge(e.reason() == null ? "(none)" : e.reason(), 1, Integer::sum);
            histogram[Math.max(0, Math.min(HISTOGRAM_BUCKETS - 1, bucket))]++;
        }

        Group build(Fingerprint fingerprint) {
            return new Group(id, fingerprint, count, firstSeen, lastSeen, taskTypes, topics, reasons, sample, histogram);
        }
    }

    /** The values present, with counts, for the filter drop-downs. */
    public Facets facets() {
        Map<String, Integer> topics = new TreeMap<>();
        Map<String, Integer> types = new TreeMap<>();
        Map<String, Integer> reasons = new TreeMap<>();
        Map<String, Integer> exceptions = new TreeMap<>();
        lock.readLock().lock();
        try {
            byTopic.forEach((topic, deque) -> {
                topics.put(topic, deque.size());
                for (DeadLetterEntry e : deque) {
                    if (e.taskType() != null) {
                        types.merge(e.taskType(), 1, Integer::sum);
                    }
                    if (e.reason() != null) {
                        reasons.merge(e.reason(), 1, Integer::sum);
                    }
                    if (!e.exceptionClass().isEmpty()) {
                        exceptions.merge(e.exceptionClass(), 1, Integer::sum);
                    }
                }
            });
        } finally {
            lock.readLock().unlock();
        }
        return new Facets(topics, types, reasons, exceptions);
    }

    public record Facets(Map<String, Integer> topics, Map<String, Integer> taskTypes, Map<String, Integer> reasons,
            Map<String, Integer> exceptionClasses) {
    }

    /** Topics that have entries, sorted. */
    public List<String> topics() {
        lock.readLock().lock();
        try {
            return List.copyOf(new TreeSet<>(byTopic.keySet()));
        } finally {
            lock.readLock().unlock();
        }
    }
}
