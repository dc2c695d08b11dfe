package dev.jobwire.load;

import dev.jobwire.worker.Worker;

/**
 * What scenarios report besides the accounting ({@link Accounting}): the speed figures every
 * scenario reports (never judged) and the caps some check (a cap exceeded is a problem).
 */
final class Checks {
    private Checks() {
    }

    /** Total time, rate, latency percentiles, the most tasks active and buffered: reported, never judged. */
    static void speed(Report r, int n, double totalSeconds, Completions done, Sampler sampler) {
        r.timeline(sampler.samples());
        r.put("tasks", n);
        r.put("total_seconds", totalSeconds);
        r.put("tasks_per_second", n / Math.max(totalSeconds, 1e-9));
        r.put("latency_p50_ms", done.latencyPercentileMs(50));
        r.put("latency_p95_ms", done.latencyPercentileMs(95));
        r.put("latency_p99_ms", done.latencyPercentileMs(99));
        r.put("latency_max_ms", done.latencyPercentileMs(100));
        r.put("max_active_tasks", done.maxRunning());
        r.put("max_buffered_worker", (long) Report.max(sampler.samples(), Sampler.Sample::buffered));
    }

    /** The worker's own count of tasks holding I/O slots, against its cap. */
    static void inFlight(Report r, Worker worker, int cap) {
        r.put("max_in_flight_worker", worker.maxInFlightSeen());
        r.put("worker_in_flight_cap", cap);
        cap(r, "worker in flight", worker.maxInFlightSeen(), cap);
    }

    /**
     * What the stand-in saw. A request the worker gave up on at a client timeout keeps running at
     * the server until its latency passes, so the server may briefly see more than the worker's cap
     * while the worker itself never exceeds it: checked strictly only when {@code strict} (no
     * request was abandoned), otherwise reported.
     */
    static void standIn(Report r, StandInService service, int cap, boolean strict) {
        r.put("max_concurrency_stand_in", service.maxConcurrencySeen());
        r.put("stand_in_cap", cap);
        r.put("stand_in_refused_429", service.refused());
        r.put("stand_in_errors_500", service.errors());
        if (strict) {
            cap(r, "stand-in concurrency", service.maxConcurrencySeen(), cap);
        } else if (service.maxConcurrencySeen() > cap) {
            r.put("stand_in_note", "above the cap only by requests abandoned at the client timeout and still served");
        }
    }

    static void cap(Report r, String what, double seen, int cap) {
        if (seen > cap) {
            r.problem(what + " reached " + (long) seen + ", above its cap of " + cap);
        }
    }
}
