package dev.jobwire.worker.admission;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Counts the writes (dead letters, delayed tasks) a lane's tasks wait for, and their bytes, so the
 * source can pause the lane when they pile up and wait for them before giving the lane away.
 *
 * <p>Thread-safe: a write is counted by the thread that starts it and attached to the thread
 * that carries it out; the source reads, interrupts and waits from its poll thread.
 */
public final class PendingWrites {
    private final Set<Thread> writers = new HashSet<>();
    private int count;
    private long bytes;

    /** A write of {@code size} bytes is pending from now on (counted before its thread starts). */
    public synchronized void begin(long size) {
        count++;
        bytes += size;
    }

    /** The calling thread carries out one of the pending writes: {@link #interruptAll} reaches it. */
    public synchronized void attach() {
        writers.add(Thread.currentThread());
    }

    /** The calling thread's write ended (written or given up). */
    public synchronized void end(long size) {
        writers.remove(Thread.currentThread());
        count--;
        bytes -= size;
        if (count == 0) {
            notifyAll();
        }
    }

    /**
     * Interrupts every pending write's thread (after its lane was cancelled): a write waiting to
     * retry gives up at once; one whose send is on its way still learns the broker's answer.
     */
    public synchronized void interruptAll() {
        writers.forEach(Thread::interrupt);
    }

    public synchronized int count() {
        return count;
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** Waits until no write is pending, at most {@code timeout}; returns whether none is. */
    public synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
