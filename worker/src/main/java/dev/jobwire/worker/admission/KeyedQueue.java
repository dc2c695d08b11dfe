package dev.jobwire.worker.admission;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A FIFO queue that hands out at most one item per key at a time: an item is eligible only when
 * no earlier item with its key is still running. Items of different keys come out in arrival
 * order of their keys' heads. Items added with a null key have no constraint and cost no key
 * bookkeeping (the unordered mode: a plain FIFO).
 *
 * <p>Not thread-safe: {@link Admission} guards it.
 *
 * @param <T> the queued item
 */
final class KeyedQueue<T> {
    private final Map<Object, ArrayDeque<T>> waitingByKey = new HashMap<>();
    /** Keys whose head item is eligible, and null-key items themselves, in arrival order. */
    private final ArrayDeque<Object> readyKeys = new ArrayDeque<>();
    private final Set<Object> runningKeys = new HashSet<>();
    private int size;

    void add(Object key, T item) {
        if (key == null) {
            readyKeys.add(item);
            size++;
            return;
        }
        ArrayDeque<T> waiting = waitingByKey.computeIfAbsent(key, k -> new ArrayDeque<>(2));
        waiting.add(item);
        size++;
        if (waiting.size() == 1 && !runningKeys.contains(key)) {
            readyKeys.add(key);
        }
    }

    /** The next eligible item, whose key (if any) is now running until {@link #release}; null if none. */
    @SuppressWarnings("unchecked")
    T poll() {
        Object key = readyKeys.poll();
        if (key == null) {
            return null;
        }
        ArrayDeque<T> waiting = waitingByKey.get(key);
        if (waiting == null) { // a null-key item (a ready key always has waiting items)
            size--;
            return (T) key;
        }
        T item = waiting.poll();
        if (waiting.isEmpty()) {
            waitingByKey.remove(key);
        }
        runningKeys.add(key);
        size--;
        return item;
    }

    /** The item of {@code key} finished: the next item with that key becomes eligible. */
    void release(Object key) {
        if (key == null) {
            return;
        }
        runningKeys.remove(key);
        if (waitingByKey.containsKey(key)) {
            readyKeys.add(key);
        }
    }

    boolean hasEligible() {
        return !readyKeys.isEmpty();
    }

    /** Items queued (not running). */
    int size() {
        return size;
    }

    /** Removes and returns every queued item; running keys stay running until released. */
    @SuppressWarnings("unchecked")
    List<T> drain() {
        List<T> drained = new ArrayList<>(size);
        for (Object ready : readyKeys) {
            if (!waitingByKey.containsKey(ready)) {
                drained.add((T) ready);
            }
        }
        waitingByKey.values().forEach(drained::addAll);
        waitingByKey.clear();
        readyKeys.clear();
        size = 0;
        return drained;
    }
}
