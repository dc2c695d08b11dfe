package dev.jobwire.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.config.TaskTypePolicy;
import dev.jobwire.worker.handler.NonRetryableException;
import dev.jobwire.worker.handler.TaskHandler;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttemptLoopTest {
    private final LoopHarness harness = new LoopHarness();
    private final TaskTypePolicy fast = TaskTypePolicy.DEFAULTS.toBuilder()
            .backoff(Duration.ofMillis(10), Duration.ofMillis(40))
            .attemptTimeout(Duration.ofSeconds(5))
            .breakerFailureRate(0) // no breaker unless a test asks
            .build();

    @AfterEach
    void stop() throws InterruptedException {
        harness.close();
    }

    private Outcome run(TaskHandler handler, TaskTypePolicy policy) {
        return harness.run(handler, TypePolicies.of(policy), Instant.now().plusSeconds(30));
    }

    private Outcome run(TaskHandler handler, TaskTypePolicy policy, Instant deadline) {
        return harness.run(handler, TypePolicies.of(policy), deadline);
    }

    @Test
    void retriesWithBackoffThenSucceeds() {
        List<Long> attemptTimes = new CopyOnWriteArrayList<>();
        Outcome outcome = run((task, context) -> {
            attemptTimes.add(System.nanoTime());
            if (context.attempt() < 3) {
                throw new IOException("transient " + context.attempt());
            }
        }, fast);

        assertThat(outcome).isEqualTo(new Outcome.Succeeded(3));
        assertThat(attemptTimes).hasSize(3);
        // Backoff: some real delay between attempts (10 ms base, jitter 20 %).
        assertThat(Duration.ofNanos(attemptTimes.get(1) - attemptTimes.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(7));
    }

    @Test
    void outOfAttemptsRecordsEveryAttempt() {
        Outcome outcome = run((task, context) -> {
            throw new IllegalStateException("boom " + context.attempt());
        }, fast);

        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.failures()).extracting(AttemptFailure::message).containsExactly("boom 1", "boom 2", "boom 3");
        assertThat(failed.failures()).extracting(AttemptFailure::attempt).containsExactly(1, 2, 3);
        assertThat(failed.cause()).hasMessage("boom 3");
    }

    @Test
    void nonRetryableFailsAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        Outcome outcome = run((task, context) -> {
            calls.incrementAndGet();
            throw new NonRetryableException("bad input");
        }, fast);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(((Outcome.Failed) outcome).reason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
    }

    @Test
    void aHangingAttemptIsInterruptedAtItsTimeoutAndRetried() {
        AtomicInteger interrupts = new AtomicInteger();
        AtomicBoolean interruptedAtSecondStart = new AtomicBoolean();
        TaskTypePolicy policy = fast.toBuilder().attemptTimeout(Duration.ofMillis(200)).build();
        Outcome outcome = run((task, context) -> {
            if (context.attempt() == 1) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupts.incrementAndGet();
                    throw e;
                }
            }
            interruptedAtSecondStart.set(Thread.currentThread().isInterrupted());
        }, policy);

        assertThat(outcome).isEqualTo(new Outcome.Succeeded(2));
        assertThat(interrupts.get()).isEqualTo(1);
        assertThat(interruptedAtSecondStart).as("the timer's interrupt stays with the attempt it was meant for").isFalse();
    }

    @Test
    void timeoutsAreRecordedAsSuch() {
        TaskTypePolicy policy = fast.toBuilder().maxAttempts(2).attemptTimeout(Duration.ofMillis(100)).build();
        Outcome outcome = run((task, context) -> Thread.sleep(60_000), policy);
        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(failed.failures()).hasSize(2).allSatisfy(f -> {
            assertThat(f.exceptionClass()).isEqualTo(AttemptTimeoutException.class.getName());
            assertThat(f.message()).contains("timed out after 100 ms");
        });
    }

    @Test
    void anAttemptThatEndsBeforeItsTimeoutIsNotInterruptedLater() throws Exception {
        TaskTypePolicy policy = fast.toBuilder().attemptTimeout(Duration.ofMillis(50)).build();
        CountDownLatch interrupted = new CountDownLatch(1);
        Outcome outcome = harness.submit(new Lane("lane"), runner -> {
            Outcome result = new AttemptLoop(LoopHarness.task(), (task, context) -> { }, TypePolicies.of(policy),
                    Deadline.at(Instant.now().plusSeconds(30)), runner.current(), runner, harness.cpu, RetryPlan.FIRST_ROUND,
                    HandOff.NEVER).run(System.nanoTime());
            try {
                Thread.sleep(300); // well past the attempt's timeout
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return result;
        }).join();
        assertThat(outcome).isEqualTo(new Outcome.Succeeded(1));
        assertThat(interrupted.getCount()).as("a disarmed attempt is never interrupted").isEqualTo(1);
    }

    @Test
    void anExpiredTaskIsNotStarted() {
        AtomicBoolean called = new AtomicBoolean();
        Outcome outcome = run((task, context) -> called.set(true), fast, Instant.now().minusSeconds(1));
        assertThat(called).isFalse();
        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.attempts()).isZero();
    }

    @Test
    void aTaskRunningAtItsDeadlineIsCancelled() {
        AtomicBoolean interrupted = new AtomicBoolean();
        Outcome outcome = run((task, context) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        }, fast, Instant.now().plusMillis(300));
        assertThat(interrupted).isTrue();
        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.cause()).isInstanceOf(DeadlineExceededException.class);
        assertThat(failed.failures()).hasSize(1);
    }

    @ParameterizedTest(name = "first backoff {0} ms")
    @ValueSource(ints = {250, 20_000})
    void aBackoffThatWouldEndPastTheDeadlineEndsTheTask(int firstBackoffMillis) {
        TaskTypePolicy policy = fast.toBuilder().maxAttempts(5)
                .backoff(Duration.ofMillis(firstBackoffMillis), Duration.ofSeconds(40)).jitter(0).build();
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        Outcome outcome = run((task, context) -> {
            calls.incrementAndGet();
            throw new IOException("dependency down");
        }, policy, Instant.now().plusMillis(400));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.cause()).isInstanceOf(DeadlineExceededException.class);
        // 250 ms: a retry at 250 ms fits before the 400 ms deadline (unless the machine stalls), a third does not.
        assertThat(failed.attempts()).isBetween(1, firstBackoffMillis < 400 ? 2 : 1);
        assertThat(failed.failures()).hasSize(failed.attempts());
        assertThat(calls.get()).isEqualTo(failed.attempts());
        assertThat(took).as("no sleep up to a deadline no retry can meet").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aDeadlineWhileWaitingForTheBulkheadEndsTheTaskWithoutAnAttempt() throws Exception {
        TypePolicies shared = TypePolicies.of(fast.toBuilder().concurrencyLimit(1).build());
        AtomicBoolean called = new AtomicBoolean();
        Outcome outcome;
        try (PermitHolder holder = new PermitHolder(shared)) {
            outcome = harness.run((task, context) -> called.set(true), shared, Instant.now().plusMillis(200));
        }
        assertThat(called).isFalse();
        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.attempts()).isZero();
    }

    @Test
    void aWaiterThatExpiredDoesNotTakeTheNextFreedPermit() throws Exception {
        TypePolicies shared = TypePolicies.of(fast.toBuilder().concurrencyLimit(1).build());
        try (PermitHolder holder = new PermitHolder(shared)) {
            Outcome expired = harness.run((task, context) -> { }, shared, Instant.now().plusMillis(100));
            assertThat(((Outcome.Failed) expired).reason()).isEqualTo(DeadLetterReason.EXPIRED);
        }
        // The permit the holder gave back must not have gone to the expired waiter.
        Outcome next = harness.run((task, context) -> { }, shared, Instant.now().plusSeconds(5));
        assertThat(next).isEqualTo(new Outcome.Succeeded(1));
        assertThat(shared.bulkhead().availablePermits()).isEqualTo(1);
    }

    @Test
    void waitingForAnIoSlotEndsAtTheDeadline() throws Exception {
        try (LoopHarness oneSlot = new LoopHarness(1, 1)) {
            CountDownLatch slotTaken = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean called = new AtomicBoolean();
            CompletableFuture<Outcome> waiting = oneSlot.submit(new Lane("a"), runner -> {
                runner.releaseSlot(); // as in a CPU step: the other task takes the only slot
                await(slotTaken);
                return new AttemptLoop(LoopHarness.task(), (task, context) -> called.set(true), TypePolicies.of(fast),
                        Deadline.at(Instant.now().plusMillis(200)), runner.current(), runner, oneSlot.cpu,
                        RetryPlan.FIRST_ROUND, HandOff.NEVER).run(System.nanoTime());
            });
            oneSlot.submit(new Lane("b"), runner -> {
                slotTaken.countDown();
                await(release);
                return null;
            });
            Outcome outcome = waiting.join();
            release.countDown();
            assertThat(called).isFalse();
            assertThat(((Outcome.Failed) outcome).reason()).isEqualTo(DeadLetterReason.EXPIRED);
        }
    }

    @Test
    void aHandlersOwnInterruptWithTimeLeftIsNotReportedAsExpiry() {
        Outcome outcome = run((task, context) -> {
            throw new InterruptedException("the handler's own, not a cancellation");
        }, fast);
        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isNotEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.cause()).isNotInstanceOf(DeadlineExceededException.class);
    }

    @Test
    void aDeadlineWhileTheBreakerIsOpenEndsTheWait() {
        TaskTypePolicy policy = fast.toBuilder().maxAttempts(2).breaker(100, 2, Duration.ofSeconds(10), Duration.ofSeconds(60)).build();
        TypePolicies shared = TypePolicies.of(policy);
        harness.run((task, context) -> {
            throw new IOException("dependency down");
        }, shared, Instant.now().plusSeconds(30));
        assertThat(shared.breaker().isOpen()).isTrue();

        Outcome outcome = harness.run((task, context) -> { }, shared, Instant.now().plusMillis(300));

        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.attempts()).isZero();
        assertThat(shared.breaker().isOpen()).as("an expiry says nothing about the dependency").isTrue();
    }

    @Test
    void cpuStepsRunOnThePool() {
        AtomicBoolean onPool = new AtomicBoolean();
        Outcome outcome = run((task, context) -> context.cpu(() -> {
            onPool.set(!Thread.currentThread().isVirtual());
            return 1;
        }), fast);
        assertThat(outcome).isEqualTo(new Outcome.Succeeded(1));
        assertThat(onPool).isTrue();
    }

    @Test
    void anOpenBreakerMakesTasksWaitInsteadOfFailing() {
        TaskTypePolicy policy = fast.toBuilder().maxAttempts(2).breaker(100, 2, Duration.ofSeconds(10), Duration.ofMillis(300)).build();
        TypePolicies shared = TypePolicies.of(policy);
        // Two failed attempts open the breaker.
        harness.run((task, context) -> {
            throw new IOException("dependency down");
        }, shared, Instant.now().plusSeconds(30));
        assertThat(shared.breaker().isOpen()).isTrue();

        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        Outcome outcome = harness.run((task, context) -> calls.incrementAndGet(), shared, Instant.now().plusSeconds(30));
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(outcome).isEqualTo(new Outcome.Succeeded(1));
        assertThat(calls.get()).isEqualTo(1);
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void aConcurrencyLimitBoundsTasksOfOneTypeAcrossExecutions() {
        TypePolicies shared = TypePolicies.of(fast.toBuilder().concurrencyLimit(2).build());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        TaskHandler slow = (task, context) -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(30);
            running.decrementAndGet();
        };
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            outcomes.add(harness.submit(new Lane("lane-" + i), runner -> new AttemptLoop(LoopHarness.task(), slow, shared,
                    Deadline.at(Instant.now().plusSeconds(30)), runner.current(), runner, harness.cpu, RetryPlan.FIRST_ROUND,
                    HandOff.NEVER).run(System.nanoTime())));
        }
        assertThat(outcomes).allSatisfy(o -> assertThat(o.join()).isEqualTo(new Outcome.Succeeded(1)));
        assertThat(peak.get()).isEqualTo(2);
    }

    @Test
    void aRateLimitSpacesTaskStarts() {
        TypePolicies shared = TypePolicies.of(fast.toBuilder().ratePerSecond(20).build());
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(harness.run((task, context) -> { }, shared, Instant.now().plusSeconds(30)))
                    .isEqualTo(new Outcome.Succeeded(1));
        }
        // 5 starts at 20 per second need at least 4 gaps of 50 ms.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }

    @Test
    void cancellationIsNeitherSuccessNorFailure() {
        Lane lane = new Lane("lane");
        Outcome outcome = harness.run((task, context) -> {
            lane.cancel();
            throw new InterruptedException("shutdown");
        }, TypePolicies.of(fast), Instant.now().plusSeconds(30), lane, RetryPlan.FIRST_ROUND, HandOff.NEVER);
        assertThat(outcome).isInstanceOf(Outcome.Cancelled.class);
    }

    @Test
    void aLongBackoffLeavesTheWorkerWithEveryAttemptSoFar() {
        TaskTypePolicy policy = fast.toBuilder().maxAttempts(4).backoff(Duration.ofMinutes(5), Duration.ofHours(1)).build();
        HandOff fromOneMinute = new HandOff() {
            @Override
            public boolean leavesWorker(Duration backoff, WorkItem item, TypePolicies policies) {
                return backoff.compareTo(Duration.ofMinutes(1)) >= 0;
            }

            @Override
            public boolean releasesSlot(Duration backoff) {
                return true;
            }
        };
        Outcome outcome = harness.run((task, context) -> {
            throw new IOException("down " + context.attempt());
        }, TypePolicies.of(policy), Instant.now().plusSeconds(30 * 60), new Lane("lane"), RetryPlan.FIRST_ROUND, fromOneMinute);

        Outcome.RetryLater later = (Outcome.RetryLater) outcome;
        assertThat(later.attempts()).isEqualTo(1);
        assertThat(later.backoff()).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(6));
        assertThat(later.failures()).extracting(AttemptFailure::message).containsExactly("down 1");
    }

    @Test
    void aLaterRoundContinuesTheAttemptCountAndTheBackoffAndKeepsEveryFailure() {
        TaskTypePolicy policy = fast.toBuilder().maxAttempts(4).backoff(Duration.ofSeconds(1), Duration.ofHours(1)).jitter(0).build();
        List<AttemptFailure> earlier = List.of(new AttemptFailure(1, Instant.EPOCH, "java.io.IOException", "down 1"),
                new AttemptFailure(2, Instant.EPOCH, "java.io.IOException", "down 2"));
        HandOff always = new HandOff() {
            @Override
            public boolean leavesWorker(Duration backoff, WorkItem item, TypePolicies policies) {
                return true;
            }

            @Override
            public boolean releasesSlot(Duration backoff) {
                return true;
            }
        };
        List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
        Outcome third = harness.run((task, context) -> {
            attemptsSeen.add(context.attempt());
            throw new IOException("down " + context.attempt());
        }, TypePolicies.of(policy), Instant.now().plusSeconds(3600), new Lane("lane"), new RetryPlan(2, earlier), always);

        Outcome.RetryLater later = (Outcome.RetryLater) third;
        assertThat(attemptsSeen).containsExactly(3);
        assertThat(later.attempts()).isEqualTo(3);
        assertThat(later.backoff()).as("1 s doubled after attempts 1, 2 and 3").isEqualTo(Duration.ofSeconds(4));
        assertThat(later.failures()).extracting(AttemptFailure::message).containsExactly("down 1", "down 2", "down 3");

        Outcome last = harness.run((task, context) -> {
            throw new IOException("down " + context.attempt());
        }, TypePolicies.of(policy), Instant.now().plusSeconds(3600), new Lane("lane"), new RetryPlan(3, later.failures()), always);
        Outcome.Failed failed = (Outcome.Failed) last;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(failed.attempts()).isEqualTo(4);
        assertThat(failed.failures()).extracting(AttemptFailure::attempt).containsExactly(1, 2, 3, 4);
    }

    /** A task that holds one of {@code shared}'s bulkhead permits until closed. */
    private final class PermitHolder implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);
        private final CompletableFuture<Outcome> holding;

        PermitHolder(TypePolicies shared) throws InterruptedException {
            CountDownLatch held = new CountDownLatch(1);
            holding = harness.submit(new Lane("holder"), runner -> new AttemptLoop(LoopHarness.task(), (task, context) -> {
                held.countDown();
                release.await();
            }, shared, Deadline.at(Instant.now().plusSeconds(30)), runner.current(), runner, harness.cpu,
                    RetryPlan.FIRST_ROUND, HandOff.NEVER).run(System.nanoTime()));
            held.await();
        }

        @Override
        public void close() {
            release.countDown();
            holding.join();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
