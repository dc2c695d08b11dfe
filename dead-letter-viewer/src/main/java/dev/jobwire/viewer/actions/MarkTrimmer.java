package dev.jobwire.viewer.actions;

import dev.jobwire.viewer.kafka.RecordFetcher;
import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.MarkStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the marks topic from growing forever: every {@code interval} it deletes (with a tombstone,
 * which compaction then removes) the marks of dead letters that retention has deleted from their
 * partition (offset below the partition's log start). Marks of partitions that cannot be looked up
 * are kept. Not started in read-only mode (it writes).
 *
 * <p>Thread-safety: runs on its own single thread; {@link #trimNow()} may also be called from tests.
 */
public final class MarkTrimmer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MarkTrimmer.class);

    private final MarkStore store;
    private final MarkWriter writer;
    private final RecordFetcher fetcher;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jobwire-viewer-mark-trimmer");
        t.setDaemon(true);
        return t;
    });

    public MarkTrimmer(MarkStore store, MarkWriter writer, RecordFetcher fetcher) {
        this.store = store;
        this.writer = writer;
        this.fetcher = fetcher;
    }

    public void start(Duration interval) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                trimNow();
            } catch (RuntimeException e) {
                LOG.warn("Trimming marks failed ({}); trying again in {}", e.toString(), interval);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Deletes the marks of dead letters gone from the broker; returns how many. */
    public synchronized int trimNow() {
        Map<TopicPartition, List<DeadLetterRef>> byPartition = new HashMap<>();
        for (String key : store.snapshot().keySet()) {
            try {
                DeadLetterRef ref = DeadLetterRef.parse(key);
                byPartition.computeIfAbsent(new TopicPartition(ref.topic(), ref.partition()), p -> new ArrayList<>()).add(ref);
            } catch (IllegalArgumentException e) {
                writer.delete(key); // not a reference at all: nothing can ever show it
            }
        }
        if (byPartition.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, Long> starts = fetcher.beginningOffsets(byPartition.keySet());
        int trimmed = 0;
        for (var e : starts.entrySet()) {
            for (DeadLetterRef ref : byPartition.get(e.getKey())) {
                if (ref.offset() < e.getValue()) {
                    writer.delete(ref.toString());
                    trimmed++;
                }
            }
        }
        if (trimmed > 0) {
            LOG.info("Deleted {} mark(s) of dead letters that retention removed", trimmed);
        }
        return trimmed;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
