package dev.jobwire.viewer.index;

/**
 * Estimates the heap an index entry holds, so the index can be bounded by bytes. Counts what an
 * entry owns: its object and boxed fields, its map and queue slots, and its own strings (shared
 * strings from the {@link Interner} are counted once, not per entry). Strings are sized as the JVM
 * stores them (compact strings: one byte per character when every character is Latin-1, else two).
 * The estimate is checked against the real heap in the benchmark (docs/dead-letter-viewer.md).
 * Stateless and thread-safe.
 */
final class EntrySizes {
    /**
     * The entry record (22 fields), its reference, timestamp, boxed numbers and replay count, its
     * slot in the per-topic queue, the by-reference map's node and table slot.
     */
    static final long FIXED = 112 + 32 + 24 + 3 * 16 + 24 + 8 + 48;

    private EntrySizes() {
    }

    static long of(DeadLetterEntry e, Interner shared) {
        long size = FIXED;
        size += own(e.taskId(), shared) + own(e.message(), shared) + own(e.keyPreview(), shared)
                + own(e.decodeError(), shared) + own(e.searchText(), shared) + own(e.taskType(), shared)
                + own(e.reason(), shared) + own(e.exceptionClass(), shared) + own(e.normalizedMessage(), shared)
                + own(e.originalTopic(), shared) + own(e.fingerprint(), shared);
        if (e.replayOf() != null) {
            size += 32 + string(e.replayOf().topic()) + 48; // the reference and its reverse-map entry
        }
        return size;
    }

    private static long own(String s, Interner shared) {
        return s == null || shared.isShared(s) ? 0 : string(s);
    }

    /** A String: 24-byte object plus its byte array (16-byte header, 1 or 2 bytes per character), 8-aligned. */
    static long string(String s) {
        int n = s.length();
        boolean latin1 = true;
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                latin1 = false;
                break;
            }
        }
        long array = 16L + (latin1 ? n : 2L * n);
        return 24 + ((array + 7) & ~7L);
    }
}
