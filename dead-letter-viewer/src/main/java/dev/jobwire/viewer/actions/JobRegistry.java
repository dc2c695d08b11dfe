package dev.jobwire.viewer.actions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs replay and dry-run jobs on two background threads and keeps the newest 100 for the page
 * (running ones are never dropped). Jobs live in this viewer's memory only; their outcomes are in
 * the audit topic.
 *
 * <p>Thread-safety: safe for concurrent HTTP threads; the job map is guarded by its own lock.
 */
public final class JobRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRegistry.class);
    private static final int MAX_JOBS_KEPT = 100;

    /** The work of one job. */
    @FunctionalInterface
    public interface Work {
        void run(ActionJob job) throws Exception;
    }

    private final Map<String, ActionJob> jobs = new LinkedHashMap<>();
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "jobwire-viewer-job");
        t.setDaemon(true);
        return t;
    });

    /** Starts {@code work} in the background; the job ends DONE (or CANCELLED) unless the work failed. */
    public ActionJob start(ActionJob job, Work work) {
        synchronized (jobs) {
            jobs.put(job.id(), job);
            jobs.values().removeIf(j -> jobs.size() > MAX_JOBS_KEPT && j.state() != ActionJob.State.RUNNING);
        }
        executor.submit(() -> {
            try {
                work.run(job);
                job.finish(job.cancelRequested() ? ActionJob.State.CANCELLED : ActionJob.State.DONE, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                job.finish(ActionJob.State.CANCELLED, "stopped: the viewer is shutting down");
            } catch (Exception | Error e) {
                LOG.error("{} job {} failed", job.kind(), job.id(), e);
                job.finish(ActionJob.State.FAILED, e.toString());
            }
        });
        return job;
    }

    public ActionJob get(String id) {
        synchronized (jobs) {
            return jobs.get(id);
        }
    }

    /** Newest first. */
    public List<ActionJob.Status> statuses() {
        List<ActionJob.Status> out = new ArrayList<>();
        synchronized (jobs) {
            jobs.values().forEach(j -> out.add(j.status()));
        }
        return out.reversed();
    }

    /** Waits until {@code job} is no longer running, at most {@code millis}. */
    public static void awaitEnd(ActionJob job, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (job.state() == ActionJob.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        synchronized (jobs) {
            jobs.values().forEach(ActionJob::cancel);
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
