package dev.jobwire.worker.offsets;

import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Which offset of one assigned partition is safe to commit: the lowest offset received but not
 * finished, or one past the highest received when everything is finished. Tasks finish out of
 * order; committing past an unfinished one could lose it in a crash, so this never does.
 *
 * <p>"Finished" means succeeded or dead-lettered (the dead letter acknowledged by the broker).
 *
 * <p>Thread-safe: the poll thread records received offsets and commits; task threads record
 * completions. One instance lives for one assignment of the partition; after revocation,
 * completions still arriving for it change nothing that is committed.
 */
public final class PartitionOffsets {
    /** Unfinished offsets, each with when it was received ({@link System#nanoTime()}). */
    private final TreeMap<Long, Long> unfinished = new TreeMap<>();
    private long nextOffset = -1;
    private long committed = -1;

    /** Called by the poll thread for each record handed to the worker, in offset order. */
    public void received(long offset) {
        received(offset, System.nanoTime());
    }

    /**
     * As {@link #received(long)}, with the time ({@link System#nanoTime()}) it was received; boxed
     * by the caller, so a poll's records share one.
     */
    public synchronized void received(long offset, Long receivedNanos) {
        unfinished.put(offset, receivedNanos);
        nextOffset = Math.max(nextOffset, offset + 1);
    }

    /** Called when a record's task succeeded or was dead-lettered. */
    public synchronized void finished(long offset) {
        unfinished.remove(offset);
    }

    /** The offset a commit may name (the next record to read after a restart), if any was received. */
    public synchronized OptionalLong committable() {
        if (nextOffset < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(unfinished.isEmpty() ? nextOffset : unfinished.firstKey());
    }

    /**
     * When the lowest unfinished offset, the one holding commits back, was received
     * ({@link System#nanoTime()}); empty when nothing is unfinished.
     */
    public synchronized OptionalLong oldestUnfinishedSince() {
        return unfinished.isEmpty() ? OptionalLong.empty() : OptionalLong.of(unfinished.firstEntry().getValue());
    }

    /** The committable offset if it moved past the last commit, otherwise empty. */
    public synchronized OptionalLong pendingCommit() {
        OptionalLong offset = committable();
        return offset.isPresent() && offset.getAsLong() > committed ? offset : OptionalLong.empty();
    }

    /** Records that {@code offset} was committed, so {@link #pendingCommit()} stops offering it. */
    public synchronized void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    public synchronized int unfinishedCount() {
        return unfinished.size();
    }
}
