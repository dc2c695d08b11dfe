package dev.jobwire.viewer.index;

import java.util.HashMap;
import java.util.Map;

/**
 * Shares one instance of each repeated text (task types, exception classes, topics, group ids,
 * masked messages) across index entries, so 100,000 entries of 20 task types hold 20 strings, not
 * 100,000. Bounded: past {@code maxValues} distinct values new ones are no longer shared (the
 * entries then pay for their own copy, which the memory budget counts).
 *
 * <p>Thread-safety: not thread-safe; the index uses it under its write lock.
 */
final class Interner {
    private final int maxValues;
    private final Map<String, String> values = new HashMap<>();

    Interner(int maxValues) {
        this.maxValues = maxValues;
    }

    String intern(String s) {
        if (s == null) {
            return null;
        }
        String shared = values.get(s);
        if (shared != null) {
            return shared;
        }
        if (values.size() < maxValues) {
            values.put(s, s);
        }
        return s;
    }

    /** True when {@code s} is the shared instance (so an entry does not pay for it). */
    boolean isShared(String s) {
        return s != null && values.get(s) == s;
    }
}
