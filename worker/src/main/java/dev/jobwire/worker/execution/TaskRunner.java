package dev.jobwire.worker.execution;

import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.MalformedTaskException;
import dev.jobwire.wire.RetryRound;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.admission.Admission;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.completion.TaskFinisher;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskHandler;
import dev.jobwire.worker.source.Settlement;
import dev.jobwire.worker.time.NanoClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one admitted record to its end: decodes it, finds its handler, waits for its due time if
 * it has one, runs its attempts ({@link AttemptLoop}) and hands the outcome to the
 * {@link TaskFinisher}. A record that cannot be decoded, or names no known type, is a poison pill:
 * dead-lettered at once, and the partition keeps flowing.
 *
 * <p>A task not yet due is held by admission (without a slot) when it is due within
 * {@code holdLimit}, and re-published to its delay topic when it is due later.
 *
 * <p>Thread-safe and stateless per task; runs on task threads.
 */
public final class TaskRunner implements TaskBody {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final TypeBindings types;
    private final ExecutorService cpuPool;
    private final TaskFinisher finisher;
    private final HandOff handOff;
    private final Duration holdLimit;

    /**
     * @param handOff   which retries leave the worker to wait
     * @param holdLimit tasks due within this wait in the worker; later ones in their delay topic
     *                  (when {@code finisher} can defer them)
     */
    public TaskRunner(TypeBindings types, ExecutorService cpuPool, TaskFinisher finisher, HandOff handOff, Duration holdLimit) {
        this.types = types;
        this.cpuPool = cpuPool;
        this.finisher = finisher;
        this.handOff = handOff;
        this.holdLimit = holdLimit;
    }

    @Override
    public void run(WorkItem item, Runner runner) {
        try {
            TaskLogContext.record(item);
            run(item, item.record(), runner);
        } catch (RuntimeException | Error e) {
            // A bug of ours, not the handler's (AttemptLoop catches those). The record stays
            // unfinished, so its partition's commits wait at it and a restart delivers it again;
            // readiness reports the stuck task once it is older than its bound.
            log.error("internal error running the task; it stays unfinished and will be delivered again", e);
        } finally {
            TaskLogContext.clear();
        }
    }

    private void run(WorkItem item, ConsumerRecord<byte[], byte[]> record, Runner runner) {
        if (item.isCancelled()) {
            item.settle(Settlement.CANCELLED);
            return;
        }
        TaskMetadata metadata = item.metadata();
        if (metadata == null) {
            try {
                metadata = TaskMetadata.readFrom(record.headers());
            } catch (MalformedTaskException e) {
                log.warn("undecodable record, dead-lettering it: {}", e.getMessage());
                finisher.poisonPill(item, DeadLetterReason.UNDECODABLE, e);
                return;
            }
            item.metadata(metadata, RetryRound.isPresent(record.headers()));
        }
        TaskLogContext.task(metadata.id(), metadata.type());
        TypeBindings.Binding binding = types.of(metadata.type());
        TaskHandler handler = binding.handler();
        if (handler == null) {
            UnknownTaskTypeException unknown = new UnknownTaskTypeException(metadata.type(), types.handledTypes());
            log.warn("{}; dead-lettering the task", unknown.getMessage());
            finisher.poisonPill(item, DeadLetterReason.UNKNOWN_TYPE, unknown);
            return;
        }
        RetryRound round;
        try {
            round = item.retried() ? RetryRound.readFrom(record.headers()) : null;
        } catch (MalformedTaskException e) {
            log.warn("undecodable retry headers, dead-lettering the task: {}", e.getMessage());
            finisher.poisonPill(item, DeadLetterReason.UNDECODABLE, e);
            return;
        }
        // The one clock read of the task's start; everything else is worked out from it.
        long startedNanos = System.nanoTime();
        Instant due = later(metadata.notBefore(), round == null ? null : round.notBefore());
        if (due != null && !startWhenDue(item, binding, NanoClock.toNanoTime(due, startedNanos) - startedNanos)) {
            return;
        }

        TypePolicies typePolicies = binding.policies();
        Deadline deadline = deadlineOf(metadata, typePolicies, round, startedNanos);
        if (round == null) {
            binding.meters().started();
        }
        RetryPlan plan = round == null ? RetryPlan.FIRST_ROUND : new RetryPlan(round.attempts(), round.failures());
        Outcome outcome = new AttemptLoop(Task.of(metadata, record), handler, typePolicies, deadline, item, runner, cpuPool,
                plan, handOff).run(startedNanos);
        finisher.finish(item, metadata, binding.meters(), round, startedNanos, outcome);
    }

    /**
     * Starts a task only once it is due: one due later is held by admission, or re-published to
     * wait in its delay topic when it is due beyond the hold limit.
     *
     * @return true when it is due now (its lateness recorded)
     */
    private boolean startWhenDue(WorkItem item, TypeBindings.Binding binding, long waitNanos) {
        if (waitNanos <= 0) {
            binding.meters().lateness(-waitNanos);
            return true;
        }
        if (waitNanos >= holdLimit.toNanos() && finisher.canDefer(item)) {
            Instant due = NanoClock.instant(System.nanoTime() + waitNanos);
            log.debug("not due before {}: waiting in the delay topic", due);
            finisher.defer(item, due);
        } else {
            Admission.holdUntil(item, System.nanoTime() + waitNanos);
        }
        return false;
    }

    /**
     * The sooner of the task's own deadline and its time limit, counted from its first attempt
     * (of any round).
     */
    private static Deadline deadlineOf(TaskMetadata metadata, TypePolicies policies, RetryRound round, long startedNanos) {
        long firstStarted = round == null ? startedNanos : NanoClock.toNanoTime(round.firstStartedAt(), startedNanos);
        long limit = firstStarted + TypePolicies.saturatedNanos(policies.config().maxTaskDuration());
        if (metadata.deadline() != null) {
            limit = Math.min(limit, NanoClock.toNanoTime(metadata.deadline(), startedNanos));
        }
        return Deadline.atNanos(limit);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
