package dev.jobwire.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every call a {@link StandInService} answered for tasks that carry their number in the URL
 * ({@code ?n=17}): when each arrived and was answered, and how often each task was answered 200.
 * Calls without a number are ignored.
 *
 * <p>Thread-safe: the stand-in's request threads write, the scenario's thread reads.
 */
final class CallLog implements StandInService.CallListener {
    /** One answered call; times on {@link System#nanoTime()}'s scale. */
    record Call(int task, long arrivedNanos, long answeredNanos, int status) {
    }

    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Map<Integer, AtomicInteger> successes = new ConcurrentHashMap<>();
    private final AtomicLong firstArrivedNanos = new AtomicLong(Long.MAX_VALUE);

    /** The query string a task numbered {@code n} calls with. */
    static String query(int n) {
        return "n=" + n;
    }

    @Override
    public void answered(String query, long arrivedNanos, long answeredNanos, int status) {
        if (query == null || !query.startsWith("n=")) {
            return;
        }
        int task;
        try {
            task = Integer.parseInt(query.substring(2));
        } catch (NumberFormatException e) {
            return;
        }
        calls.add(new Call(task, arrivedNanos, answeredNanos, status));
        firstArrivedNanos.accumulateAndGet(arrivedNanos, Math::min);
        if (status == 200) {
            successes.computeIfAbsent(task, t -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** How many times task {@code n} was answered 200. */
    int successes(int n) {
        AtomicInteger count = successes.get(n);
        return count == null ? 0 : count.get();
    }

    /** When the first numbered call arrived, or {@link Long#MAX_VALUE} before any did. */
    long firstArrivedNanos() {
        return firstArrivedNanos.get();
    }

    /** Every call logged so far, in the order they were answered (nearly: threads race to log). */
    List<Call> calls() {
        return new ArrayList<>(calls);
    }
}
