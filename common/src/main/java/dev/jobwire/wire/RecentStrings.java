package dev.jobwire.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A few strings recently decoded from bytes, handed out again for the same bytes: every task of a
 * type then carries the same {@code String}, whose hash is computed once, so looking up its
 * handler and policies costs no hashing of a fresh string. Lookups compare bytes with each entry;
 * meant for a handful of values.
 *
 * <p>Thread-safe: entries are immutable (final fields, so a reader that sees one sees it whole);
 * puts are serialized, and a reader racing a put at worst misses and decodes again.
 */
final class RecentStrings {
    private record Entry(byte[] bytes, String text) {
    }

    private final Entry[] entries;
    private int next;

    RecentStrings(int size) {
        entries = new Entry[size];
    }

    /** The cached string for the bytes from {@code value}'s position, or null. */
    String get(ByteBuffer value) {
        if (value == null) {
            return null;
        }
        int length = value.remaining();
        for (Entry entry : entries) {
            if (entry == null) {
                return null;
            }
            if (entry.bytes.length == length && RawHeader.startsWith(value, entry.bytes)) {
                return entry.text;
            }
        }
        return null;
    }

    /** Remembers {@code text} for these bytes. */
    synchronized void put(ByteBuffer value, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (value.remaining() != bytes.length) {
            return; // not its exact encoding: not worth a cache entry
        }
        entries[next] = new Entry(bytes, text);
        next = (next + 1) % entries.length;
    }
}
