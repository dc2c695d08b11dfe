package dev.jobwire.worker.dispatch;

import java.time.Instant;

/**
 * A running task's place under the in-flight limit. A task gives it up while it waits for or runs
 * a CPU step, so the limit bounds concurrent I/O, not computation: another task's I/O can start
 * while this one computes.
 */
public interface IoSlot {

    /** Gives the slot up (before a CPU step). */
    void release();

    /**
     * Takes a slot back (after a CPU step or a wait), waiting until {@code deadline} at the latest
     * if all are taken; tasks coming back go before new tasks. Returns at once if the task holds one.
     *
     * @return false if no slot came free before {@code deadline}
     * @throws InterruptedException if the task is cancelled while waiting
     */
    boolean reacquire(Instant deadline) throws InterruptedException;
}
