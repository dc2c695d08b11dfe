package dev.jobwire.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.config.TaskTypePolicy;
import dev.jobwire.worker.dispatch.IoSlot;
import dev.jobwire.worker.handler.NonRetryableException;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskExecutionTest {
    private static final IoSlot NO_SLOT = new IoSlot() {
        @Override
        public void release() {
        }

        @Override
        public boolean reacquire(Instant deadline) {
            return true;
        }
    };
    private final ExecutorService cpu = Executors.newFixedThreadPool(2);
    private final Clock clock = Clock.systemUTC();
    private final TaskTypePolicy fast = TaskTypePolicy.DEFAULTS.toBuilder()
            .backoff(Duration.ofMillis(10), Duration.ofMillis(40))
            .attemptTimeout(Duration.ofSeconds(5))
            .breakerFailureRate(0) // no breaker unless a test asks
            .build();

    @AfterEach
    void stopPool() {
        cpu.shutdownNow();
    }

    private static Task task() {
        return new Task(TaskMetadata.create("test.type", null, null, null), null, new byte[0], Map.of(), "t", 0, 0);
    }

    private Outcome run(TaskHandler handler, TaskTypePolicy policy) {
        return run(handler, policy, Instant.now().plusSeconds(30), () -> false);
    }

    private Outcome run(TaskHandler handler, TaskTypePolicy policy, Instant deadline, java.util.function.BooleanSupplier cancelled) {
        return new TaskExecution(task(), handler, TypePolicies.of(policy), deadline, cancelled, cpu, NO_SLOT, clock).run();
    }

    /** One task with policies shared across executions (breaker, bulkhead, rate limiter), never cancelled. */
    private Outcome run(TaskHandler handler, TypePolicies shared, Instant deadline) {
        return new TaskExecution(task(), handler, shared, deadline, () -> false, cpu, NO_SLOT, clock).run();
    }

    /** A task that holds one of {@code shared}'s bulkhead permits until closed. */
    private final class PermitHolder implements AutoCloseable {
        private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        private final Thread thread;

        PermitHolder(TypePolicies shared) throws InterruptedException {
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            thread = Thread.ofVirtual().start(() -> run((task, context) -> {
                holding.countDown();
                release.await();
            }, shared, Instant.now().plusSeconds(30)));
            holding.await();
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            thread.join();
        }
    }

    @Test
    void retriesWithBackoffThenSucceeds() {
        List<Long> attemptTimes = new CopyOnWriteArrayList<>();
        Outcome outcome = run((task, context) -> {
            attemptTimes.add(System.nanoTime());
            if (context.attempt() < 3) {
                throw new java.io.IOException("transient " + context.attempt());
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

        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.failures()).extracting(f -> f.message()).containsExactly("boom 1", "boom 2", "boom 3");
        assertThat(failed.failures()).extracting(f -> f.attempt()).containsExactly(1, 2, 3);
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
        }, policy);

        assertThat(outcome).isEqualTo(new Outcome.Succeeded(2));
        assertThat(interrupts.get()).isEqualTo(1);
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
    void anExpiredTaskIsNotStarted() {
        AtomicBoolean called = new AtomicBoolean();
        Outcome outcome = run((task, context) -> called.set(true), fast, Instant.now().minusSeconds(1), () -> false);
        assertThat(called).isFalse();
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        assertThat(((Outcome.Failed) outcome).reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(((Outcome.Failed) outcome).attempts()).isZero();
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
        }, fast, Instant.now().plusMillis(300), () -> false);
        assertThat(interrupted).isTrue();
        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.cause()).isInstanceOf(DeadlineExceededException.class);
        assertThat(failed.failures()).hasSize(1);
    }

    @ParameterizedTest(name = "first backoff {0} ms")
    @ValueSource(ints = {250, 20_000})
    void aDeadlineDuringTheBackoffEndsTheTaskAtTheDeadline(int firstBackoffMillis) {
        TaskTypePolicy policy = fast.toBuilder().maxAttempts(5)
                .backoff(Duration.ofMillis(firstBackoffMillis), Duration.ofSeconds(40)).jitter(0).build();
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        Outcome outcome = run((task, context) -> {
            calls.incrementAndGet();
            throw new java.io.IOException("dependency down");
        }, policy, Instant.now().plusMillis(400), () -> false);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.cause()).isInstanceOf(DeadlineExceededException.class);
        // 250 ms: a retry at 250 ms fits before the 400 ms deadline (unless the machine stalls), a third does not.
        assertThat(failed.attempts()).isBetween(1, firstBackoffMillis < 400 ? 2 : 1);
        assertThat(failed.failures()).hasSize(failed.attempts());
        assertThat(calls.get()).isEqualTo(failed.attempts());
        assertThat(took).as("the backoff is cut at the deadline").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aDeadlineWhileWaitingForTheBulkheadEndsTheTaskWithoutAnAttempt() throws Exception {
        TypePolicies shared = TypePolicies.of(fast.toBuilder().concurrencyLimit(1).build());
        AtomicBoolean called = new AtomicBoolean();
        Outcome outcome;
        try (PermitHolder holder = new PermitHolder(shared)) {
            outcome = run((task, context) -> called.set(true), shared, Instant.now().plusMillis(200));
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
            Outcome expired = run((task, context) -> { }, shared, Instant.now().plusMillis(100));
            assertThat(((Outcome.Failed) expired).reason()).isEqualTo(DeadLetterReason.EXPIRED);
        }

        // The permit the holder gave back must not have gone to the expired waiter.
        Outcome next = run((task, context) -> { }, shared, Instant.now().plusSeconds(5));
        assertThat(next).isEqualTo(new Outcome.Succeeded(1));
        assertThat(shared.bulkhead().availablePermits()).isEqualTo(1);
    }

    @Test
    void waitingForAnIoSlotEndsAtTheDeadline() {
        IoSlot neverFree = new IoSlot() {
            @Override
            public void release() {
            }

            @Override
            public boolean reacquire(Instant deadline) throws InterruptedException {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()));
                return false;
            }
        };
        AtomicBoolean called = new AtomicBoolean();
        long start = System.nanoTime();
        Outcome outcome = new TaskExecution(task(), (task, context) -> called.set(true), TypePolicies.of(fast),
                Instant.now().plusMillis(200), () -> false, cpu, neverFree, clock).run();

        assertThat(called).isFalse();
        assertThat(((Outcome.Failed) outcome).reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aHandlersOwnInterruptWithTimeLeftIsNotReportedAsExpiry() {
        Outcome outcome = run((task, context) -> {
            throw new InterruptedException("the handler's own, not a cancellation");
        }, fast, Instant.now().plusSeconds(30), () -> false);
        Thread.interrupted(); // Failsafe restores the flag on the calling thread

        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isNotEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.cause()).isNotInstanceOf(DeadlineExceededException.class);
    }

    @Test
    void aDeadlineWhileTheBreakerIsOpenEndsTheWait() {
        TaskTypePolicy policy = fast.toBuilder().maxAttempts(2).breaker(100, 2, Duration.ofSeconds(10), Duration.ofSeconds(60)).build();
        TypePolicies shared = TypePolicies.of(policy);
        run((task, context) -> {
            throw new java.io.IOException("dependency down");
        }, shared, Instant.now().plusSeconds(30));
        assertThat(shared.breaker().isOpen()).isTrue();

        Outcome outcome = run((task, context) -> { }, shared, Instant.now().plusMillis(300));

        Outcome.Failed failed = (Outcome.Failed) outcome;
        assertThat(failed.reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(failed.attempts()).isZero();
        assertThat(shared.breaker().isOpen()).as("an expiry says nothing about the dependency").isTrue();
    }

    @Test
    void cpuStepsRunOnThePool() throws Exception {
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
        TaskHandler failing = (task, context) -> {
            throw new java.io.IOException("dependency down");
        };
        // Two failed attempts open the breaker.
        new TaskExecution(task(), failing, shared, Instant.now().plusSeconds(30), () -> false, cpu, NO_SLOT, clock).run();
        assertThat(shared.breaker().isOpen()).isTrue();

        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        Outcome outcome = new TaskExecution(task(), (task, context) -> calls.incrementAndGet(), shared,
                Instant.now().plusSeconds(30), () -> false, cpu, NO_SLOT, clock).run();
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(outcome).isEqualTo(new Outcome.Succeeded(1));
        assertThat(calls.get()).isEqualTo(1);
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void aConcurrencyLimitBoundsTasksOfOneTypeAcrossExecutions() throws Exception {
        TypePolicies shared = TypePolicies.of(fast.toBuilder().concurrencyLimit(2).build());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        TaskHandler slow = (task, context) -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(30);
            running.decrementAndGet();
        };
        List<Thread> threads = new java.util.ArrayList<>();
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 6; i++) {
            threads.add(Thread.ofVirtual().start(() -> outcomes.add(new TaskExecution(task(), slow, shared,
                    Instant.now().plusSeconds(30), () -> false, cpu, NO_SLOT, clock).run())));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(outcomes).hasSize(6).allMatch(o -> o.equals(new Outcome.Succeeded(1)));
        assertThat(peak.get()).isEqualTo(2);
    }

    @Test
    void aRateLimitSpacesTaskStarts() {
        TypePolicies shared = TypePolicies.of(fast.toBuilder().ratePerSecond(20).build());
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(new TaskExecution(task(), (task, context) -> { }, shared, Instant.now().plusSeconds(30),
                    () -> false, cpu, NO_SLOT, clock).run()).isEqualTo(new Outcome.Succeeded(1));
        }
        // 5 starts at 20 per second need at least 4 gaps of 50 ms.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }

    @Test
    void cancellationIsNeitherSuccessNorFailure() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Outcome outcome = run((task, context) -> {
            cancelled.set(true);
            throw new InterruptedException("shutdown");
        }, fast, Instant.now().plusSeconds(30), cancelled::get);
        assertThat(outcome).isInstanceOf(Outcome.Cancelled.class);
    }
}
