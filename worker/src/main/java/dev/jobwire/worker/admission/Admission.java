package dev.jobwire.worker.admission;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Decides which buffered record starts next and when: the buffer of every {@link Lane}, the I/O
 * slots, the active limit, per-key ordering and tasks held until their due time. Pure counters and
 * queues: it starts no thread itself, but hands every record it admits to the {@code starter} (a
 * new task thread), or to the finishing thread that asks for its next task.
 *
 * <p>Glossary: <em>buffered</em> = received, not started; <em>active</em> = started, not
 * finished; <em>in flight</em> = active and holding an I/O slot (not in a CPU step nor waiting);
 * <em>held</em> = waiting for its due time without a slot, its key still taken; the <em>load</em>
 * of a lane = its buffered, active and held records.
 *
 * <p>Two limits: at most {@code maxInFlight} in flight (the I/O concurrency) and at most
 * {@code maxInFlight + cpuQueue} active, which bounds the tasks waiting for the CPU pool. Lanes
 * take turns, so one deep partition cannot starve the others; tasks coming back from a CPU step
 * take free slots before new tasks start.
 *
 * <p>Thread-safe. One lock guards every queue and counter; it is held for queue operations only,
 * never while a task runs or a thread starts.
 */
public final class Admission {
    private final int maxInFlight;
    private final int maxActive;
    private final Consumer<WorkItem> starter;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition laneIdle = lock.newCondition();
    private final Condition slotFree = lock.newCondition();
    /** Lanes with buffered records, in turn. */
    private final ArrayDeque<Lane> rotation = new ArrayDeque<>();
    private final PriorityQueue<Held> due = new PriorityQueue<>();
    private int buffered;
    private int active;
    private int inFlight;
    private int held;
    private int maxInFlightSeen;
    private int returning;
    private boolean accepting = true;

    /**
     * @param cpuQueue active tasks allowed beyond {@code maxInFlight}: those waiting for or running a CPU step
     * @param starter  starts a new task thread for an admitted record; called without the lock held
     */
    public Admission(int maxInFlight, int cpuQueue, Consumer<WorkItem> starter) {
        if (maxInFlight < 1 || cpuQueue < 0) {
            throw new IllegalArgumentException("need maxInFlight >= 1 and cpuQueue >= 0, got " + maxInFlight + ", " + cpuQueue);
        }
        this.maxInFlight = maxInFlight;
        this.maxActive = maxInFlight + cpuQueue;
        this.starter = starter;
    }

    /** Buffers records of one lane, in the order the source received them, and starts what the limits allow. */
    public void add(Lane lane, List<WorkItem> items) {
        List<WorkItem> start;
        lock.lock();
        try {
            if (lane.dropped) {
                return;
            }
            for (WorkItem item : items) {
                lane.queue.add(item.orderingKey, item);
            }
            buffered += items.size();
            enterRotation(lane);
            start = admitWhatFits();
        } finally {
            lock.unlock();
        }
        startAll(start);
    }

    /**
     * Books a task's end and, with {@code takeNext}, admits the next record for the calling thread
     * (null when none may start). A task that asked to wait for its due time ({@link #holdUntil})
     * is held instead: it gives up its slot and its place among the active, keeps its key, and is
     * buffered again once {@link #releaseDue} finds it due.
     */
    public WorkItem finish(WorkItem item, boolean takeNext) {
        WorkItem next = null;
        List<WorkItem> start;
        lock.lock();
        try {
            Lane lane = item.lane();
            active--;
            giveSlot(item);
            lane.active--;
            if (item.holdUntilNanos != 0) {
                item.held = true;
                lane.held++;
                held++;
                due.add(new Held(item.holdUntilNanos, item));
            } else {
                // Its own lane's queue: if the partition was dropped and assigned again meanwhile,
                // the new lane's keys are not this task's business.
                lane.queue.release(item.orderingKey);
            }
            if (lane.active == 0) {
                laneIdle.signalAll();
            }
            if (takeNext) {
                next = admitNext();
            }
            start = admitWhatFits();
        } finally {
            lock.unlock();
        }
        startAll(start);
        return next;
    }

    /**
     * Asks that {@code item}, which its thread is running now, wait until {@code dueNanos}
     * ({@link System#nanoTime()}) before it starts for real; takes effect when its thread calls
     * {@link #finish}. Called by the item's own thread.
     */
    public static void holdUntil(WorkItem item, long dueNanos) {
        item.holdUntilNanos = dueNanos == 0 ? 1 : dueNanos;
    }

    /**
     * Buffers again, at the front of their lanes, the held records whose due time is at or before
     * {@code nowNanos}, and starts what the limits allow. Called by a timer.
     */
    public void releaseDue(long nowNanos) {
        List<WorkItem> start;
        lock.lock();
        try {
            if (due.isEmpty() || due.peek().dueNanos - nowNanos > 0) {
                return;
            }
            while (!due.isEmpty() && due.peek().dueNanos - nowNanos <= 0) {
                WorkItem item = due.poll().item;
                Lane lane = item.lane();
                lane.held--;
                held--;
                if (lane.dropped) {
                    continue; // its partition went elsewhere while it waited
                }
                item.holdUntilNanos = 0;
                lane.resumed.add(item);
                buffered++;
                enterRotation(lane);
            }
            start = admitWhatFits();
        } finally {
            lock.unlock();
        }
        startAll(start);
    }

    /** When the earliest held record is due ({@link System#nanoTime()}), or {@link Long#MAX_VALUE} if none is held. */
    public long nextDueNanos() {
        lock.lock();
        try {
            return due.isEmpty() ? Long.MAX_VALUE : due.peek().dueNanos;
        } finally {
            lock.unlock();
        }
    }

    private void enterRotation(Lane lane) {
        if (!lane.inRotation) {
            lane.inRotation = true;
            rotation.add(lane);
        }
    }

    private boolean canAdmit() {
        return accepting && returning == 0 && inFlight < maxInFlight && active < maxActive && buffered > 0;
    }

    /** Admits every record the limits allow; null when none (the common case). */
    private List<WorkItem> admitWhatFits() {
        List<WorkItem> start = null;
        WorkItem next;
        while ((next = admitNext()) != null) {
            if (start == null) {
                start = new ArrayList<>();
            }
            start.add(next);
        }
        return start;
    }

    /** The next eligible record, lanes in turn, now active and holding a slot; null if none may start. */
    private WorkItem admitNext() {
        if (!canAdmit()) {
            return null;
        }
        for (int i = 0, n = rotation.size(); i < n; i++) {
            Lane lane = rotation.poll();
            WorkItem next = lane.resumed.poll();
            if (next == null && lane.queue.hasEligible()) {
                next = lane.queue.poll();
            }
            if (lane.resumed.isEmpty() && lane.queue.size() == 0) {
                lane.inRotation = false;
            } else {
                rotation.add(lane);
            }
            if (next != null) {
                next.held = false;
                buffered--;
                active++;
                lane.active++;
                takeSlot(next);
                return next;
            }
        }
        return null; // everything buffered waits for a running task of its key
    }

    private void startAll(List<WorkItem> start) {
        if (start != null) {
            start.forEach(starter);
        }
    }

    private void takeSlot(WorkItem item) {
        inFlight++;
        maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
        item.holdsSlot = true;
    }

    private void giveSlot(WorkItem item) {
        if (item.holdsSlot) {
            item.holdsSlot = false;
            inFlight--;
            slotFree.signalAll(); // few waiters; signalAll cannot lose a wake-up to an interrupted one
        }
    }

    /** The running {@code item} gives up its I/O slot (a CPU step, a wait); another task may start. */
    public void releaseSlot(WorkItem item) {
        List<WorkItem> start;
        lock.lock();
        try {
            giveSlot(item);
            start = admitWhatFits();
        } finally {
            lock.unlock();
        }
        startAll(start);
    }

    /**
     * The running {@code item} takes an I/O slot back, waiting at most {@code maxWaitNanos} if all
     * are taken; tasks coming back go before new ones. Returns at once if it holds one.
     *
     * @return false if none came free in time
     * @throws InterruptedException if the task is cancelled while it waits
     */
    public boolean reacquireSlot(WorkItem item, long maxWaitNanos) throws InterruptedException {
        if (item.holdsSlot) {
            return true; // only this thread gives it up
        }
        long nanos = maxWaitNanos;
        boolean acquired = false;
        List<WorkItem> start = null;
        lock.lock();
        try {
            returning++;
            try {
                while (inFlight >= maxInFlight && nanos > 0) {
                    nanos = slotFree.awaitNanos(nanos);
                }
                if (inFlight < maxInFlight) {
                    takeSlot(item);
                    acquired = true;
                }
            } finally {
                returning--;
                start = admitWhatFits(); // the last returning task lets new ones start again
            }
        } finally {
            lock.unlock();
        }
        startAll(start);
        return acquired;
    }

    /** Drops a lane's buffered records (its partition is going away); returns how many. */
    public int drop(Lane lane) {
        return dropBuffered(lane).size();
    }

    /**
     * Drops a lane's buffered records and returns them, for a source that must hand each back
     * (a share group releases them). Held records are not among them: they are dropped when due.
     */
    public List<WorkItem> dropBuffered(Lane lane) {
        lock.lock();
        try {
            lane.dropped = true;
            if (lane.inRotation) {
                lane.inRotation = false;
                rotation.remove(lane);
            }
            List<WorkItem> dropped = new ArrayList<>(lane.queue.drain());
            dropped.addAll(lane.resumed);
            lane.resumed.clear();
            buffered -= dropped.size();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no task of these lanes is active, at most {@code timeout}.
     *
     * @return true if they all finished in time
     */
    public boolean awaitIdle(Collection<Lane> lanes, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (lanes.stream().anyMatch(lane -> lane.active > 0)) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = laneIdle.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops admitting records (shutdown); running tasks go on. */
    public void stopStarting() {
        lock.lock();
        try {
            accepting = false;
        } finally {
            lock.unlock();
        }
    }

    /** The counters and the load of each of {@code lanes}, read at once. */
    public Snapshot snapshot(Collection<Lane> lanes) {
        lock.lock();
        try {
            Map<Lane, Integer> loads = new HashMap<>(lanes.size() * 2);
            for (Lane lane : lanes) {
                loads.put(lane, lane.queue.size() + lane.resumed.size() + lane.active + lane.held);
            }
            return new Snapshot(buffered, active, held, inFlight, loads);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What admission holds at one moment.
     *
     * @param buffered records received and not started (held ones that came due included)
     * @param active   tasks started and not finished
     * @param held     records waiting for their due time
     * @param inFlight tasks holding an I/O slot
     * @param loads    buffered, active and held records per lane asked for
     */
    public record Snapshot(int buffered, int active, int held, int inFlight, Map<Lane, Integer> loads) {
        /** Nothing buffered, running or held: every record received so far is settled or on its way out. */
        public boolean idle() {
            return buffered == 0 && active == 0 && held == 0;
        }
    }

    public int buffered() {
        lock.lock();
        try {
            return buffered + held;
        } finally {
            lock.unlock();
        }
    }

    /** Tasks started and not finished, in or out of CPU steps. */
    public int active() {
        lock.lock();
        try {
            return active;
        } finally {
            lock.unlock();
        }
    }

    /** Tasks holding an I/O slot now. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** The most tasks that ever held I/O slots at once: never above the cap. */
    public int maxInFlightSeen() {
        lock.lock();
        try {
            return maxInFlightSeen;
        } finally {
            lock.unlock();
        }
    }

    /** Records that may still be handed in before the active limit and the buffer of one turn are full. */
    public int room() {
        lock.lock();
        try {
            return Math.max(0, maxActive - active - buffered - held);
        } finally {
            lock.unlock();
        }
    }

    private record Held(long dueNanos, WorkItem item) implements Comparable<Held> {
        @Override
        public int compareTo(Held other) {
            return Long.compare(dueNanos - other.dueNanos, 0);
        }
    }
}
