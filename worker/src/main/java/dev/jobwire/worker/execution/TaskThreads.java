package dev.jobwire.worker.execution;

import dev.jobwire.worker.admission.Admission;
import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.WorkItem;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The threads that run tasks: a virtual thread per admitted record that found no thread free, and
 * each thread takes the next admitted record itself when its task ends (a new thread per task cost
 * more than a no-op task), so throughput does not wait for the next poll. Owns the
 * {@link Admission} that decides what starts.
 *
 * <p>Thread-safe: sources add records through {@link #admission()} from their poll threads;
 * cancellation may come from any thread.
 */
public final class TaskThreads {
    /** One builder for every task thread; the log's MDC, not the thread name, says which record it runs. */
    private static final Thread.Builder BUILDER = Thread.ofVirtual().name("jobwire-task");

    private final Admission admission;
    private final TaskBody body;
    private final Set<Runner> runners = ConcurrentHashMap.newKeySet();

    /**
     * @param maxInFlight tasks holding I/O slots at once
     * @param cpuQueue    tasks allowed beyond that to wait for or run a CPU step
     */
    public TaskThreads(int maxInFlight, int cpuQueue, TaskBody body) {
        this.body = body;
        this.admission = new Admission(maxInFlight, cpuQueue, this::start);
    }

    public Admission admission() {
        return admission;
    }

    private void start(WorkItem first) {
        BUILDER.start(() -> runFrom(first));
    }

    /** Runs {@code first}, then every record admission hands this thread next, until there is none. */
    private void runFrom(WorkItem first) {
        Runner runner = new Runner(Thread.currentThread(), admission);
        runners.add(runner);
        try {
            WorkItem item = first;
            while (item != null) {
                runner.begin(item);
                boolean ran = false;
                try {
                    body.run(item, runner);
                    ran = true;
                } finally {
                    item = admission.finish(item, ran);
                }
            }
        } finally {
            runner.end();
            runners.remove(runner);
        }
    }

    /**
     * Cancels every task of {@code lane}: the lane is flagged (tasks check it between steps) and
     * the threads running its records are interrupted.
     *
     * @return how many were running
     */
    public int cancel(Lane lane) {
        lane.cancel();
        int interrupted = 0;
        for (Runner runner : runners) {
            if (runner.interruptIfRunning(lane)) {
                interrupted++;
            }
        }
        return interrupted;
    }

    /** The live task threads, for the timer. */
    Collection<Runner> runners() {
        return Collections.unmodifiableSet(runners);
    }
}
