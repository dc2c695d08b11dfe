package dev.jobwire.viewer.index;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The marks every viewer instance shares, as last read from the marks topic (plus this instance's
 * own writes, applied at once so a user sees what they just did). Thread-safe: the follower thread
 * writes, HTTP threads read.
 */
public final class MarkStore {
    private final Map<String, Mark> marks = new ConcurrentHashMap<>();
    private final AtomicLong version;

    public MarkStore(AtomicLong sharedVersion) {
        this.version = sharedVersion;
    }

    /** A null mark clears (re-opens). */
    public void apply(String ref, Mark mark) {
        if (mark == null) {
            if (marks.remove(ref) != null) {
                version.incrementAndGet();
            }
        } else if (!mark.equals(marks.put(ref, mark))) {
            version.incrementAndGet();
        }
    }

    public Mark get(DeadLetterRef ref) {
        return marks.get(ref.toString());
    }

    public int size() {
        return marks.size();
    }
}
