package dev.jobwire.worker.execution;

import dev.jobwire.worker.admission.Admission;
import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.WorkItem;

/**
 * One task thread as the rest of the worker sees it: which record it runs now, its I/O slot, and
 * until when its current attempt may run. The attempt deadline is a single volatile write to arm and one
 * uncontended lock to disarm, so a task pays no timer of its own; {@link TaskTimer} checks
 * every runner a few hundred times a second and interrupts those past their time.
 *
 * <p>Interrupts are hints, flags are the truth: an interrupt is only ever sent under this object's
 * lock to the record or attempt it was meant for, and cleared under it when the thread moves on, so
 * one meant for a finished task or attempt never reaches the next.
 *
 * <p>Thread-safe: the owning thread begins records and arms and disarms attempts; the watchdog and
 * cancellation interrupt from their threads.
 */
public final class Runner {
    private static final long DISARMED = Long.MAX_VALUE;

    private final Thread thread;
    private final Admission admission;
    private volatile WorkItem current;
    /** {@link System#nanoTime()} at which the current attempt must end; {@link #DISARMED} between attempts. */
    private volatile long attemptEndsAt = DISARMED;
    /** The watchdog interrupted the current attempt. Guarded by this. */
    private boolean fired;

    /** A runner for {@code thread}, the thread that will run records (tests and benchmarks play task threads with it). */
    public Runner(Thread thread, Admission admission) {
        this.thread = thread;
        this.admission = admission;
    }

    /** Gives up the current record's I/O slot (for a CPU step or a wait), so another task's I/O may start. */
    public void releaseSlot() {
        admission.releaseSlot(current);
    }

    /**
     * Takes an I/O slot back for the current record, waiting until {@code deadlineNanos}
     * ({@link System#nanoTime()}) at most if all are taken. Returns at once if it holds one.
     *
     * @return false if none came free in time
     * @throws InterruptedException if the task is cancelled while it waits
     */
    public boolean reacquireSlot(long deadlineNanos) throws InterruptedException {
        return admission.reacquireSlot(current, deadlineNanos - System.nanoTime());
    }

    /** The owning thread starts on {@code item}; an interrupt meant for its previous one is cleared. */
    public synchronized void begin(WorkItem item) {
        current = item;
        Thread.interrupted();
    }

    WorkItem current() {
        return current;
    }

    /** The thread ran out of records. */
    synchronized void end() {
        current = null;
    }

    /** The current attempt must end by {@code endsAtNanos} ({@link System#nanoTime()}). */
    public void arm(long endsAtNanos) {
        attemptEndsAt = endsAtNanos;
    }

    /**
     * The attempt ended; an interrupt the watchdog sent it is cleared.
     *
     * @return whether the watchdog interrupted it (its time ran out)
     */
    public synchronized boolean disarm() {
        attemptEndsAt = DISARMED;
        boolean timedOut = fired;
        if (fired) {
            fired = false;
            Thread.interrupted();
        }
        return timedOut;
    }

    /** Called by the watchdog: interrupts the attempt if its time is up. */
    void interruptIfOverdue(long nowNanos) {
        long endsAt = attemptEndsAt;
        if (endsAt == DISARMED || endsAt - nowNanos > 0) {
            return; // the common case, without the lock
        }
        synchronized (this) {
            if (attemptEndsAt == endsAt && !fired) {
                fired = true;
                thread.interrupt();
            }
        }
    }

    /** Interrupts the thread if it is running a record of {@code lane} (which was just cancelled). */
    boolean interruptIfRunning(Lane lane) {
        synchronized (this) {
            WorkItem item = current;
            if (item != null && item.lane() == lane) {
                thread.interrupt();
                return true;
            }
            return false;
        }
    }
}
