package dev.jobwire.worker.backpressure;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides which partitions to pause and resume, from how much work each holds (records buffered
 * plus tasks in flight) and how many records the worker buffers in total. Pure logic: the poll
 * loop applies the decision to the consumer.
 *
 * <ul>
 *   <li>A partition whose load reaches the per-partition high watermark is paused; it resumes when
 *       its load falls to the low watermark.
 *   <li>When the total buffer reaches its high watermark, every partition is paused (memory is
 *       bounded whatever the backlog); none resumes until the total falls to its low watermark.
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class BackpressurePolicy {
    private final Watermarks perPartition;
    private final Watermarks total;

    public BackpressurePolicy(Watermarks perPartition, Watermarks total) {
        this.perPartition = perPartition;
        this.total = total;
    }

    /** The whole buffer is at its high watermark: nothing more may be fetched. */
    public boolean totalFull(int totalBuffered) {
        return totalBuffered >= total.high();
    }

    /** What to change. */
    public record Decision<P>(Set<P> pause, Set<P> resume) {
        public boolean isEmpty() {
            return pause.isEmpty() && resume.isEmpty();
        }
    }

    /**
     * @param loadByPartition buffered plus in-flight tasks, for every assigned partition
     * @param totalBuffered   records buffered, all partitions together
     * @param paused          partitions paused now
     */
    public <P> Decision<P> decide(Map<P, Integer> loadByPartition, int totalBuffered, Set<P> paused) {
        Set<P> pause = new HashSet<>();
        Set<P> resume = new HashSet<>();
        boolean totalFull = totalBuffered >= total.high();
        boolean totalDrained = totalBuffered <= total.low();
        loadByPartition.forEach((partition, load) -> {
            boolean isPaused = paused.contains(partition);
            if (!isPaused && (totalFull || load >= perPartition.high())) {
                pause.add(partition);
            } else if (isPaused && totalDrained && load <= perPartition.low()) {
                resume.add(partition);
            }
        });
        return new Decision<>(pause, resume);
    }
}
