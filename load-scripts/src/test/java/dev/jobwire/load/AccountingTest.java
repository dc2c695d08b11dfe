package dev.jobwire.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccountingTest {
    private final Map<String, Integer> successes = new ConcurrentHashMap<>();
    private final Map<String, String> deadLetters = new ConcurrentHashMap<>();

    private Accounting accounting(List<String> ids, Accounting.Duplicates duplicates) {
        return new Accounting("tasks", ids, id -> successes.getOrDefault(id, 0), deadLetters::get, duplicates);
    }

    @Test
    void aTaskDeadLetteredAfterTimeoutsIsAccountedForNotMissing() {
        successes.put("a", 1);
        successes.put("b", 1);
        deadLetters.put("c", "RETRIES_EXHAUSTED");
        deadLetters.put("d", "EXPIRED");
        Report report = new Report("test");

        Accounting.Tally tally = accounting(List.of("a", "b", "c", "d"), Accounting.Duplicates.FORBIDDEN).check(report);

        assertThat(tally.missing()).isZero();
        assertThat(tally.succeeded()).isEqualTo(2);
        assertThat(tally.deadLetteredByReason()).containsOnly(Map.entry("EXPIRED", 1L), Map.entry("RETRIES_EXHAUSTED", 1L));
        assertThat(tally.accounted()).isEqualTo(4);
        assertThat(report.ok()).isTrue();
        assertThat(tally.line()).isEqualTo(
                "4 tasks published: 2 succeeded, 2 dead-lettered (1 EXPIRED, 1 RETRIES_EXHAUSTED) — all 4 accounted for");
    }

    @Test
    void onlyATaskWithNoOutcomeAtAllIsMissingAndFailsTheRun() {
        successes.put("a", 1);
        deadLetters.put("b", "RETRIES_EXHAUSTED");
        Report report = new Report("test");

        Accounting.Tally tally = accounting(List.of("a", "b", "lost"), Accounting.Duplicates.FORBIDDEN).check(report);

        assertThat(tally.missing()).isEqualTo(1);
        assertThat(tally.missingSample()).containsExactly("lost");
        assertThat(report.ok()).isFalse();
        assertThat(report.table()).contains("1 of 3 tasks have no outcome at all", "[lost]");
        assertThat(tally.line()).endsWith("— 1 missing (no outcome at all)");
    }

    @Test
    void aSecondSuccessFailsOnlyWhereTheScenarioForbidsIt() {
        successes.put("a", 2);
        successes.put("b", 1);

        Report forbidden = new Report("test");
        accounting(List.of("a", "b"), Accounting.Duplicates.FORBIDDEN).check(forbidden);
        Report counted = new Report("test");
        Accounting.Tally tally = accounting(List.of("a", "b"), Accounting.Duplicates.COUNTED).check(counted);

        assertThat(forbidden.ok()).isFalse();
        assertThat(forbidden.table()).contains("1 extra handler runs");
        assertThat(counted.ok()).isTrue();
        assertThat(tally.extraRuns()).isEqualTo(1);
        assertThat(tally.line()).isEqualTo("2 tasks published: 2 succeeded, 0 dead-lettered — all 2 accounted for; 1 extra handler runs");
    }

    @Test
    void theDeadLetterDecidesWhenAHandlerReturnedAsItsAttemptTimedOut() {
        // The attempt's timeout cut the handler as it returned; the worker retried and gave up.
        successes.put("a", 1);
        deadLetters.put("a", "RETRIES_EXHAUSTED");
        successes.put("b", 1);

        Report counted = new Report("test");
        Accounting.Tally tally = accounting(List.of("a", "b"), Accounting.Duplicates.COUNTED).check(counted);
        Report forbidden = new Report("test");
        accounting(List.of("a", "b"), Accounting.Duplicates.FORBIDDEN).check(forbidden);

        assertThat(tally.succeeded()).isEqualTo(1);
        assertThat(tally.deadLettered()).isEqualTo(1);
        assertThat(tally.extraRuns()).isEqualTo(1);
        assertThat(tally.accounted()).isEqualTo(2);
        assertThat(counted.ok()).as(counted.table()).isTrue();
        assertThat(forbidden.ok()).isFalse();
    }

    @Test
    void aDeadLetterWithoutReasonIsAProblem() {
        successes.put("a", 1);
        deadLetters.put("b", DeadLetterWatch.NO_REASON);
        Report report = new Report("test");

        accounting(List.of("a", "b"), Accounting.Duplicates.COUNTED).check(report);

        assertThat(report.table()).contains("1 dead letters carry no reason");
    }

    @Test
    void waitingEndsAsSoonAsEveryTaskHasAnOutcome() throws Exception {
        successes.put("a", 1);
        Accounting accounting = accounting(List.of("a", "b"), Accounting.Duplicates.FORBIDDEN);
        Thread.ofVirtual().start(() -> {
            sleep(100);
            deadLetters.put("b", "UNKNOWN_TYPE");
        });

        // Waits for a day at most: returning within a minute shows it stopped at the last outcome.
        assertThat(assertTimeoutPreemptively(Duration.ofMinutes(1), () -> accounting.await(Duration.ofDays(1)))).isTrue();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void waitingGivesUpAtTheTimeoutWhileATaskHasNoOutcome() throws Exception {
        successes.put("a", 1);

        assertThat(accounting(List.of("a", "b"), Accounting.Duplicates.FORBIDDEN).await(Duration.ofMillis(50))).isFalse();
    }

    @Test
    void milestonesCountTasksWithAnyOutcome() throws Exception {
        successes.put("a", 1);
        deadLetters.put("b", "NON_RETRYABLE");
        Accounting accounting = accounting(List.of("a", "b", "c"), Accounting.Duplicates.FORBIDDEN);

        assertThat(accounting.awaitAccounted(2, Duration.ZERO)).isTrue();
        assertThat(accounting.accountedSoFar()).isEqualTo(2);
    }

    @Test
    void byCountsMissingIsWhatNeitherSucceededNorWasDeadLettered() {
        AtomicLong succeeded = new AtomicLong(7);
        AtomicLong dead = new AtomicLong(2);
        Report report = new Report("test");

        Accounting.Tally tally = Accounting.ofCounts("tasks", 10, succeeded::get, dead::get).check(report);

        assertThat(tally.missing()).isEqualTo(1);
        assertThat(report.ok()).isFalse();
        dead.set(3);
        assertThat(Accounting.ofCounts("tasks", 10, succeeded::get, dead::get).check(new Report("test")).missing()).isZero();
    }

    @Test
    void byCountsWaitingEndsOnceTheCountsAddUp() throws Exception {
        AtomicLong succeeded = new AtomicLong(0);
        Accounting accounting = Accounting.ofCounts("tasks", 10, succeeded::get, () -> 0);
        Thread.ofVirtual().start(() -> {
            sleep(50);
            succeeded.set(10);
        });

        assertThat(accounting.awaitAccounted(10, Duration.ofSeconds(30))).isTrue();
    }
}
