package dev.jobwire.viewer.index;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The marks every viewer instance shares, as last read from the marks topic (plus this instance's
 * own writes, applied at once so a user sees what they just did). Thread-safe: the follower thread
 * writes, HTTP and job threads read and write.
 */
public final class MarkStore {
    public static final String OPEN = "open";
    public static final String REPLAYED = "replayed";
    public static final String RESOLVED = "resolved";

    private final Map<String, Mark> marks = new ConcurrentHashMap<>();
    private final AtomicLong version;

    public MarkStore(AtomicLong sharedVersion) {
        this.version = sharedVersion;
    }

    /** A null mark (a tombstone: the dead letter is gone) removes it. */
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

    /** {@link #OPEN}, {@link #REPLAYED} or {@link #RESOLVED}. */
    public String status(DeadLetterRef ref) {
        Mark m = marks.get(ref.toString());
        if (m == null) {
            return OPEN;
        }
        return switch (m.state()) {
            case REPLAYED -> REPLAYED;
            case RESOLVED -> RESOLVED;
            case OPEN -> OPEN;
        };
    }

    public int size() {
        return marks.size();
    }

    /** A copy of every mark, by reference text. */
    public Map<String, Mark> snapshot() {
        return new HashMap<>(marks);
    }
}
