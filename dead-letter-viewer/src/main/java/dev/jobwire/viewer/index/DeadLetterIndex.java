package dev.jobwire.viewer.index;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The bounded in-memory index of dead letters, with list, group and facet queries. Two bounds, both
 * evicting the oldest entries first: at most {@code maxPerTopic} entries per dead-letter topic, and
 * at most {@code budgetBytes} of estimated heap across all topics ({@link EntrySizes}). What is not
 * (or no longer) indexed is never silent: {@link #coverage()} names the offset range of each
 * partition that the index does not hold, and those records can still be opened by reference
 * (the detail re-reads them from Kafka).
 *
 * <p>Thread-safety: one follower thread adds, any number of HTTP threads query, under a
 * read-write lock. {@link #version()} changes whenever entries or marks change, so the page can
 * poll it cheaply.
 */
public final class DeadLetterIndex {
    /** Newest first; ties (same millisecond) by reference, newest offset first. */
    public static final Comparator<DeadLetterEntry> NEWEST_FIRST = Comparator
            .comparing(DeadLetterEntry::timestamp).thenComparing(DeadLetterEntry::ref).reversed();
    /** Past this many rows before the wanted page, a full sort is cheaper than a bounded heap. */
    private static final int TOP_K_LIMIT = 5_000;

    private final int maxPerTopic;
    private final long budgetBytes;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, ArrayDeque<Sized>> byTopic = new HashMap<>();
    private final Map<DeadLetterRef, DeadLetterEntry> byRef = new HashMap<>();
    private final Map<String, Fingerprint> fingerprints = new HashMap<>();
    private final Map<String, Integer> fingerprintUse = new HashMap<>();
    /** Replayed dead letter → the dead letters its replays produced (they carry {@code jobwire.replay-of}). */
    private final Map<DeadLetterRef, List<DeadLetterRef>> replays = new HashMap<>();
    private final Map<PartitionId, PartitionCoverage> coverage = new TreeMap<>();
    private final Interner strings = new Interner(20_000);
    private final AtomicLong version;
    private final MarkStore marks;
    private long bytes;
    private long evictedForMemory;
    private long evictedForCount;

    private record Sized(DeadLetterEntry entry, long bytes) {
    }

    /** A dead-letter partition. */
    public record PartitionId(String topic, int partition) implements Comparable<PartitionId> {
        @Override
        public int compareTo(PartitionId o) {
            int c = topic.compareTo(o.topic);
            return c != 0 ? c : Integer.compare(partition, o.partition);
        }
    }

    /** Follower thread only (under the write lock): where reading began and what was evicted since. */
    private static final class PartitionCoverage {
        long logStart;
        long readFrom;
        long evictedThrough = -1;
    }

    /**
     * @param maxPerTopic  most entries kept per dead-letter topic
     * @param budgetBytes  most estimated heap kept for entries across all topics
     * @throws IllegalArgumentException when either is below 1
     */
    public DeadLetterIndex(int maxPerTopic, long budgetBytes, AtomicLong sharedVersion, MarkStore marks) {
        if (maxPerTopic < 1 || budgetBytes < 1) {
            throw new IllegalArgumentException("maxPerTopic and budgetBytes must be at least 1");
        }
        this.maxPerTopic = maxPerTopic;
        this.budgetBytes = budgetBytes;
        this.version = sharedVersion;
        this.marks = marks;
    }

    /**
     * Records where reading a partition begins: records below {@code readFrom} (down to the log
     * start) are not indexed.
     */
    public void partitionStarted(String topic, int partition, long logStart, long readFrom) {
        lock.writeLock().lock();
        try {
            PartitionCoverage c = coverage.computeIfAbsent(new PartitionId(topic, partition), p -> new PartitionCoverage());
            c.logStart = logStart;
            c.readFrom = readFrom;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Adds entries (in offset order per partition); an entry already present is ignored. */
    public void addAll(Collection<EntryDecoder.Decoded> decoded) {
        if (decoded.isEmpty()) {
            return;
        }
        lock.writeLock().lock();
        try {
            for (EntryDecoder.Decoded d : decoded) {
                DeadLetterEntry e = d.entry().canonical(strings);
                if (byRef.putIfAbsent(e.ref(), e) != null) {
                    continue;
                }
                fingerprints.putIfAbsent(e.fingerprint(), d.fingerprint());
                fingerprintUse.merge(e.fingerprint(), 1, Integer::sum);
                if (e.replayOf() != null) {
                    replays.computeIfAbsent(e.replayOf(), r -> new ArrayList<>(1)).add(e.ref());
                }
                long size = EntrySizes.of(e, strings);
                bytes += size;
                ArrayDeque<Sized> deque = byTopic.computeIfAbsent(e.ref().topic(), t -> new ArrayDeque<>());
                deque.addLast(new Sized(e, size));
                while (deque.size() > maxPerTopic) {
                    evict(deque);
                    evictedForCount++;
                }
            }
            while (bytes > budgetBytes && !byRef.isEmpty()) {
                evict(oldestTopic());
                evictedForMemory++;
            }
            version.incrementAndGet();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Evicts the oldest entries, across topics, until at most {@code targetBytes} remain. For a
     * reader that ran out of heap: a full heap would leave the HTTP side unable to answer, so the
     * reader gives back what it filled. Evicted dead letters are reported as not indexed and still
     * open by reference.
     */
    public void shrinkTo(long targetBytes) {
        lock.writeLock().lock();
        try {
            while (bytes > targetBytes) {
                ArrayDeque<Sized> oldest = oldestTopic();
                if (oldest == null) {
                    break;
                }
                evict(oldest);
                evictedForMemory++;
            }
            version.incrementAndGet();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The topic whose oldest entry is the oldest of all. */
    private ArrayDeque<Sized> oldestTopic() {
        ArrayDeque<Sized> oldest = null;
        for (ArrayDeque<Sized> deque : byTopic.values()) {
            if (!deque.isEmpty() && (oldest == null
                    || deque.peekFirst().entry().timestamp().isBefore(oldest.peekFirst().entry().timestamp()))) {
                oldest = deque;
            }
        }
        return oldest;
    }

    private void evict(ArrayDeque<Sized> deque) {
        Sized old = deque.removeFirst();
        DeadLetterEntry e = old.entry();
        bytes -= old.bytes();
        byRef.remove(e.ref());
        if (fingerprintUse.merge(e.fingerprint(), -1, Integer::sum) <= 0) {
            fingerprintUse.remove(e.fingerprint());
            fingerprints.remove(e.fingerprint());
        }
        if (e.replayOf() != null) {
            List<DeadLetterRef> results = replays.get(e.replayOf());
            if (results != null && results.remove(e.ref()) && results.isEmpty()) {
                replays.remove(e.replayOf());
            }
        }
        PartitionCoverage c = coverage.computeIfAbsent(new PartitionId(e.ref().topic(), e.ref().partition()),
                p -> new PartitionCoverage());
        c.evictedThrough = Math.max(c.evictedThrough, e.ref().offset());
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

    /** The dead letters that replays of {@code ref} produced (they failed again), oldest first. */
    public List<DeadLetterEntry> replaysOf(DeadLetterRef ref) {
        lock.readLock().lock();
        try {
            List<DeadLetterRef> refs = replays.getOrDefault(ref, List.of());
            List<DeadLetterEntry> out = new ArrayList<>(refs.size());
            for (DeadLetterRef r : refs) {
                DeadLetterEntry e = byRef.get(r);
                if (e != null) {
                    out.add(e);
                }
            }
            out.sort(NEWEST_FIRST.reversed());
            return out;
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

    /** Estimated heap held by the entries. */
    public long bytes() {
        lock.readLock().lock();
        try {
            return bytes;
        } finally {
            lock.readLock().unlock();
        }
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** Calls {@code action} for every entry matching {@code query}, in no particular order, under the read lock. */
    public void forEachMatch(Query query, Consumer<DeadLetterEntry> action) {
        lock.readLock().lock();
        try {
            for (var entry : byTopic.entrySet()) {
                if (!query.topics().isEmpty() && !query.topics().contains(entry.getKey())) {
                    continue;
                }
                for (Sized s : entry.getValue()) {
                    if (query.matches(s.entry(), marks)) {
                        action.accept(s.entry());
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every entry matching {@code query}, newest first. */
    public List<DeadLetterEntry> find(Query query) {
        List<DeadLetterEntry> out = new ArrayList<>();
        forEachMatch(query, out::add);
        out.sort(NEWEST_FIRST);
        return out;
    }

    /**
     * One page (0-based) of the entries matching {@code query}, newest first. A page past the end
     * is empty (never an error, however large {@code page} is).
     */
    public Page list(Query query, int page, int size) {
        if (size < 1 || page < 0) {
            throw new IllegalArgumentException("page must be 0 or more and size 1 or more");
        }
        long from = (long) page * size;
        if (from + size <= TOP_K_LIMIT) {
            int k = (int) (from + size);
            PriorityQueue<DeadLetterEntry> top = new PriorityQueue<>(k + 1, NEWEST_FIRST.reversed());
            int[] total = {0};
            forEachMatch(query, e -> {
                total[0]++;
                top.add(e);
                if (top.size() > k) {
                    top.poll();
                }
            });
            List<DeadLetterEntry> newest = new ArrayList<>(top);
            newest.sort(NEWEST_FIRST);
            return new Page(total[0], page, size, slice(newest, from, size));
        }
        List<DeadLetterEntry> all = find(query);
        return new Page(all.size(), page, size, slice(all, from, size));
    }

    private static List<DeadLetterEntry> slice(List<DeadLetterEntry> sorted, long from, int size) {
        if (from >= sorted.size()) {
            return List.of();
        }
        int start = (int) from;
        return List.copyOf(sorted.subList(start, Math.min(sorted.size(), start + size)));
    }

    public record Page(int total, int page, int size, List<DeadLetterEntry> items) {
    }

    /** The error groups of the entries matching {@code query} (see {@link Grouping}). */
    public Grouping.Groups groups(Query query, int page, int size) {
        Grouping grouping = new Grouping(query, marks);
        forEachMatch(query.withoutStatus(), grouping::add);
        lock.readLock().lock();
        try {
            return grouping.result(fingerprints::get, page, size);
        } finally {
            lock.readLock().unlock();
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
                for (Sized s : deque) {
                    DeadLetterEntry e = s.entry();
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

    /**
     * What the index holds and what it does not.
     *
     * @param notIndexed per partition, the offsets below the oldest indexed record that are not in the index
     */
    public record Coverage(int entries, long bytes, long budgetBytes, int maxPerTopic, long evictedForMemory,
            long evictedForCount, List<NotIndexed> notIndexed) {
    }

    /**
     * Offsets {@code fromOffset..toOffset} (inclusive) of a partition are not in the index: older
     * than where reading began ({@code JOBWIRE_VIEWER_MAX_PER_TOPIC}) or evicted (memory budget or
     * per-topic limit). Some may also have been deleted by retention since.
     */
    public record NotIndexed(String topic, int partition, long fromOffset, long toOffset, long records) {
    }

    public Coverage coverage() {
        lock.readLock().lock();
        try {
            List<NotIndexed> gaps = new ArrayList<>();
            coverage.forEach((p, c) -> {
                long firstIndexed = Math.max(c.readFrom, c.evictedThrough + 1);
                if (firstIndexed > c.logStart) {
                    gaps.add(new NotIndexed(p.topic(), p.partition(), c.logStart, firstIndexed - 1, firstIndexed - c.logStart));
                }
            });
            return new Coverage(byRef.size(), bytes, budgetBytes, maxPerTopic, evictedForMemory, evictedForCount, gaps);
        } finally {
            lock.readLock().unlock();
        }
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
