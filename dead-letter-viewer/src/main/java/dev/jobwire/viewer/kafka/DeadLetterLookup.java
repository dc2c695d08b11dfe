package dev.jobwire.viewer.kafka;

import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.DeadLetterRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which dead letters exist: those in the index, and those the index does not hold (evicted, or
 * older than where reading began) that are still on the broker. Thread-safe (its collaborators are).
 */
public final class DeadLetterLookup {
    private static final int BATCH = 500;
    private final DeadLetterIndex index;
    private final RecordFetcher fetcher;

    public DeadLetterLookup(DeadLetterIndex index, RecordFetcher fetcher) {
        this.index = index;
        this.fetcher = fetcher;
    }

    public Set<DeadLetterRef> existing(List<DeadLetterRef> refs) {
        Set<DeadLetterRef> found = new HashSet<>();
        List<DeadLetterRef> unknown = new ArrayList<>();
        for (DeadLetterRef ref : refs) {
            if (index.get(ref) != null) {
                found.add(ref);
            } else {
                unknown.add(ref);
            }
        }
        for (int i = 0; i < unknown.size(); i += BATCH) {
            found.addAll(fetcher.fetchAll(unknown.subList(i, Math.min(unknown.size(), i + BATCH))).keySet());
        }
        return found;
    }
}
