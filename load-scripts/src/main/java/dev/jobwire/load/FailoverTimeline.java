package dev.jobwire.load;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;

/**
 * What one worker's SIGKILL did to the flow of tasks, worked out from the stand-in's call log
 * ({@link CallLog}). A call that <em>arrived</em> after the kill came from a live worker, so the
 * killed worker's partition {@code p} is taken over once such a call for one of {@code p}'s tasks
 * is answered 200; that moment minus the kill is {@code p}'s recovery time.
 *
 * <p>Immutable; {@link #of} is pure (no clock, no Kafka), times on {@link System#nanoTime()}'s scale.
 *
 * @param recoverySecondsByPartition each of the killed worker's partitions, by number, to its
 *                                   recovery time in seconds; -1 when none of its tasks completed
 *                                   on another worker within the window
 * @param longestGapSeconds          the longest time within the window with no call answered 200 at all
 * @param longestGapStartSeconds     when that gap began, relative to the kill (negative: before it)
 * @param duplicates                 200 answers beyond the first for the same task
 * @param tasksRunMoreThanOnce       tasks answered 200 more than once
 */
record FailoverTimeline(Map<Integer, Double> recoverySecondsByPartition, double longestGapSeconds,
        double longestGapStartSeconds, long duplicates, long tasksRunMoreThanOnce) {

    FailoverTimeline {
        recoverySecondsByPartition = Collections.unmodifiableMap(new TreeMap<>(recoverySecondsByPartition));
    }

    /**
     * @param partitionOf       a task number's partition (from its publish receipt); -1 when unknown
     * @param killNanos         when the worker was killed
     * @param killedPartitions  the partitions the killed worker owned at that moment
     * @param windowFromNanos   start of the window the gap is looked for in (steady load began)
     * @param windowToNanos     its end (steady load stopped)
     */
    static FailoverTimeline of(List<CallLog.Call> calls, IntUnaryOperator partitionOf, long killNanos,
            Set<Integer> killedPartitions, long windowFromNanos, long windowToNanos) {
        Map<Integer, Long> firstAfterKill = new HashMap<>();
        Map<Integer, Integer> successesByTask = new HashMap<>();
        long[] answered = new long[calls.size() + 2];
        int count = 0;
        answered[count++] = windowFromNanos;
        answered[count++] = windowToNanos;
        for (CallLog.Call call : calls) {
            if (call.status() != 200) {
                continue;
            }
            successesByTask.merge(call.task(), 1, Integer::sum);
            if (call.answeredNanos() > windowFromNanos && call.answeredNanos() < windowToNanos) {
                answered[count++] = call.answeredNanos();
            }
            int partition = partitionOf.applyAsInt(call.task());
            if (call.arrivedNanos() - killNanos > 0 && killedPartitions.contains(partition)) {
                firstAfterKill.merge(partition, call.answeredNanos(), Math::min);
            }
        }
        Map<Integer, Double> recovery = new TreeMap<>();
        for (int partition : killedPartitions) {
            Long first = firstAfterKill.get(partition);
            recovery.put(partition, first == null ? -1 : (first - killNanos) / 1e9);
        }
        long[] sorted = Arrays.copyOf(answered, count);
        Arrays.sort(sorted);
        long longest = 0;
        long longestStart = windowFromNanos;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] - sorted[i - 1] > longest) {
                longest = sorted[i] - sorted[i - 1];
                longestStart = sorted[i - 1];
            }
        }
        long duplicates = 0;
        long repeated = 0;
        for (int runs : successesByTask.values()) {
            duplicates += runs - 1;
            repeated += runs > 1 ? 1 : 0;
        }
        return new FailoverTimeline(recovery, longest / 1e9, (longestStart - killNanos) / 1e9, duplicates, repeated);
    }

    /** The slowest partition's recovery in seconds; -1 when any partition did not recover. */
    double maxRecoverySeconds() {
        double max = 0;
        for (double seconds : recoverySecondsByPartition.values()) {
            if (seconds < 0) {
                return -1;
            }
            max = Math.max(max, seconds);
        }
        return max;
    }

    /** The killed worker's partitions with no task completed elsewhere. */
    long unrecovered() {
        return recoverySecondsByPartition.values().stream().filter(s -> s < 0).count();
    }
}
