package dev.jobwire.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Accounts for every task a scenario published. A task is accounted for when it has an outcome: it
 * was dead-lettered with its reason (seen by {@link DeadLetterWatch}), or else it succeeded (its
 * handler returned, seen by {@link Completions}). A task that timed out, expired or failed for good
 * is accounted for, not missing. The dead letter decides: a handler that returned just as its
 * attempt's timeout cut it did not make the task succeed, and the worker retried or dead-lettered it.
 *
 * <p>What fails a scenario: a truly missing task (no outcome at all), a dead letter without a
 * reason, and, where the scenario forbids them, extra handler runs (a handler returning more than
 * once for a task, or returning for a task that was dead-lettered). Never how long anything took:
 * waiting ends the moment every task is accounted for, and only a task still without an outcome
 * when the (generous) timeout ends is reported, as missing.
 *
 * <p>With task ids ({@link #of}) every task is followed by id; {@link #ofCounts} accounts by counts
 * only, for runs too large to track each id without slowing what they measure.
 *
 * <p>Not thread-safe: the scenario's thread uses it. The outcome sources it reads are thread-safe.
 */
public final class Accounting {
    /** Whether a task's handler may run more often than its outcome says. */
    public enum Duplicates {
        /**
         * An extra handler run is a problem: nothing in the scenario redelivers a task, and no
         * attempt timeout is near how long a handler takes.
         */
        FORBIDDEN,
        /**
         * Extra handler runs are counted and reported: redelivery across rebalances (at-least-once),
         * or a handler that returned just as its attempt's timeout cut it.
         */
        COUNTED
    }

    private final String what;
    private final List<String> ids;
    private final ToIntFunction<String> successes;
    private final Function<String, String> deadLetterReason;
    private final Duplicates duplicates;
    private final Set<String> pending;
    private final int publishedCount;
    private final LongSupplier succeededCount;
    private final LongSupplier deadLetteredCount;
    private final Supplier<Exception> sourceFailure;

    /**
     * @param what             what the tasks are, for messages ("tasks", "warm-up tasks")
     * @param ids              every published task id
     * @param successes        how many times a task id succeeded (0 when it has not)
     * @param deadLetterReason a task id's dead-letter reason, or null when it was not dead-lettered
     */
    Accounting(String what, List<String> ids, ToIntFunction<String> successes, Function<String, String> deadLetterReason,
            Duplicates duplicates) {
        this(what, ids, successes, deadLetterReason, duplicates, () -> null);
    }

    /** As above; {@code sourceFailure} says why an outcome source stopped reading, or null. */
    private Accounting(String what, List<String> ids, ToIntFunction<String> successes, Function<String, String> deadLetterReason,
            Duplicates duplicates, Supplier<Exception> sourceFailure) {
        this.sourceFailure = sourceFailure;
        this.what = what;
        this.ids = List.copyOf(ids);
        this.successes = successes;
        this.deadLetterReason = deadLetterReason;
        this.duplicates = duplicates;
        this.pending = new LinkedHashSet<>(ids);
        this.publishedCount = ids.size();
        this.succeededCount = null;
        this.deadLetteredCount = null;
    }

    private Accounting(String what, int published, LongSupplier succeeded, LongSupplier deadLettered) {
        this.sourceFailure = () -> null;
        this.what = what;
        this.ids = null;
        this.successes = null;
        this.deadLetterReason = null;
        this.duplicates = Duplicates.COUNTED;
        this.pending = null;
        this.publishedCount = published;
        this.succeededCount = succeeded;
        this.deadLetteredCount = deadLettered;
    }

    /** Follows each of {@code ids} through {@code done} (which must track ids) and {@code deadLetters}. */
    public static Accounting of(String what, List<String> ids, Completions done, DeadLetterWatch deadLetters,
            Duplicates duplicates) {
        if (!done.tracksIds()) {
            throw new IllegalArgumentException("accounting by task id needs Completions that track ids");
        }
        return new Accounting(what, ids, done::runs, deadLetters::reasonOf, duplicates, deadLetters::failure);
    }

    /** Accounts by counts only: {@code published} tasks, successes and dead letters as counted. */
    public static Accounting ofCounts(String what, int published, LongSupplier succeeded, LongSupplier deadLettered) {
        return new Accounting(what, published, succeeded, deadLettered);
    }

    /**
     * Waits until every task has an outcome, checking every few milliseconds, at most {@code timeout}.
     *
     * @return true when every task is accounted for; false when the timeout ended first
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitAccounted(publishedCount, timeout);
    }

    /**
     * Waits until at least {@code count} tasks have an outcome (a milestone), at most {@code timeout}.
     * Not reaching it is not a problem in itself: the final {@link #await} and {@link #check} decide.
     */
    public boolean awaitAccounted(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (accountedSoFar() < count) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            // Each look scans every pending id, in the JVM that runs the worker being measured: rarely
            // while many are pending (scanning 10,000 ids every 5 ms took a fifth of the samples of a
            // failure-mix run), often near the end, where it decides when the wait ends.
            Thread.sleep(pending != null && pending.size() > 100 ? 100 : 5);
        }
        return true;
    }

    /** Tasks with an outcome so far. */
    public long accountedSoFar() {
        if (ids == null) {
            return Math.min(publishedCount, succeededCount.getAsLong() + deadLetteredCount.getAsLong());
        }
        pending.removeIf(this::hasOutcome);
        return publishedCount - pending.size();
    }

    private boolean hasOutcome(String id) {
        return successes.applyAsInt(id) > 0 || deadLetterReason.apply(id) != null;
    }

    /** Every task's outcome, added up. */
    public Tally tally() {
        if (ids == null) {
            long succeeded = succeededCount.getAsLong();
            long dead = deadLetteredCount.getAsLong();
            Map<String, Long> reasons = dead == 0 ? Map.of() : Map.of("any reason", dead);
            return new Tally(what, publishedCount, Math.min(succeeded, publishedCount - Math.min(dead, publishedCount)),
                    reasons, Math.max(0, publishedCount - succeeded - dead), Math.max(0, succeeded + dead - publishedCount),
                    List.of());
        }
        long succeeded = 0;
        long extraRuns = 0;
        Map<String, Long> reasons = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            int runs = successes.applyAsInt(id);
            String reason = deadLetterReason.apply(id);
            if (reason != null) {
                reasons.merge(reason, 1L, Long::sum);
                extraRuns += runs;
            } else if (runs > 0) {
                succeeded++;
                extraRuns += runs - 1;
            } else {
                missing.add(id);
            }
        }
        return new Tally(what, publishedCount, succeeded, reasons, missing.size(), extraRuns,
                List.copyOf(missing.subList(0, Math.min(5, missing.size()))));
    }

    /**
     * Adds the tally to {@code report} and records a problem for each way the accounting fails.
     *
     * @return the tally
     */
    public Tally check(Report report) {
        Tally t = tally();
        String prefix = what.equals("tasks") ? "" : what.replace(" tasks", "").replace('-', '_').replace(' ', '_') + "_";
        report.put(prefix + "outcome", t.line());
        report.put(prefix + "published", t.published());
        report.put(prefix + "succeeded", t.succeeded());
        report.put(prefix + "dead_lettered", t.deadLettered());
        if (!t.deadLetteredByReason().isEmpty()) {
            report.put(prefix + "dead_lettered_by_reason", t.deadLetteredByReason());
        }
        report.put(prefix + "missing", t.missing());
        report.put(prefix + "extra_handler_runs", t.extraRuns());
        Exception failure = sourceFailure.get();
        if (failure != null) {
            report.problem("the dead-letter watch stopped reading: " + failure);
        }
        if (t.missing() > 0) {
            report.problem(t.missing() + " of " + t.published() + " " + what + " have no outcome at all (neither succeeded"
                    + " nor dead-lettered)" + (t.missingSample().isEmpty() ? "" : ", e.g. " + t.missingSample()));
        }
        if (t.deadLetteredByReason().containsKey(DeadLetterWatch.NO_REASON)) {
            report.problem(t.deadLetteredByReason().get(DeadLetterWatch.NO_REASON) + " dead letters carry no reason");
        }
        if (duplicates == Duplicates.FORBIDDEN && t.extraRuns() > 0) {
            report.problem(t.extraRuns() + " extra handler runs of " + what + " (a handler returned again for a task"
                    + " that had succeeded, or for one that was dead-lettered)");
        }
        return t;
    }

    /**
     * Every task's outcome, added up: {@code succeeded + deadLettered + missing = published}.
     *
     * @param succeeded            tasks that succeeded (and were not dead-lettered)
     * @param deadLetteredByReason dead-lettered tasks by reason, sorted by reason
     * @param missing              tasks with no outcome at all
     * @param extraRuns            handler returns beyond each task's outcome: a second return of a
     *                             task that succeeded, or any return of one that was dead-lettered
     * @param missingSample        up to five missing task ids
     */
    public record Tally(String what, long published, long succeeded, Map<String, Long> deadLetteredByReason,
            long missing, long extraRuns, List<String> missingSample) {

        public Tally {
            deadLetteredByReason = Map.copyOf(new TreeMap<>(deadLetteredByReason));
        }

        public long deadLettered() {
            return deadLetteredByReason.values().stream().mapToLong(Long::longValue).sum();
        }

        public long accounted() {
            return succeeded + deadLettered();
        }

        /**
         * One line that adds up, e.g. {@code 500 tasks published: 494 succeeded, 6 dead-lettered
         * (5 RETRIES_EXHAUSTED, 1 EXPIRED) — all 500 accounted for}.
         */
        public String line() {
            StringBuilder line = new StringBuilder().append(published).append(' ').append(what).append(" published: ")
                    .append(succeeded).append(" succeeded, ").append(deadLettered()).append(" dead-lettered");
            if (!deadLetteredByReason.isEmpty()) {
                StringBuilder reasons = new StringBuilder();
                new TreeMap<>(deadLetteredByReason).forEach((reason, n) ->
                        reasons.append(reasons.isEmpty() ? "" : ", ").append(n).append(' ').append(reason));
                line.append(" (").append(reasons).append(')');
            }
            line.append(missing == 0
                    ? " — all " + published + " accounted for"
                    : " — " + missing + " missing (no outcome at all)");
            if (extraRuns > 0) {
                line.append("; ").append(extraRuns).append(" extra handler runs");
            }
            return line.toString();
        }
    }
}
