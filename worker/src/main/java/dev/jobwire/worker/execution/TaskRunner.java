package dev.jobwire.worker.execution;

import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.MalformedTaskException;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.deadletter.DeadLetterPublisher;
import dev.jobwire.worker.dispatch.WorkItem;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskHandler;
import dev.jobwire.worker.metrics.WorkerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Takes one record from "started" to "finished": decodes it, finds its handler, runs it
 * ({@link TaskExecution}), writes a dead letter when it failed for good, and only then marks its
 * offset finished. A record that cannot be decoded, or names no known type, is a poison pill:
 * dead-lettered at once, and the partition keeps flowing.
 *
 * <p>Thread-safe and stateless per task; runs on each task's own virtual thread.
 */
public final class TaskRunner implements Consumer<WorkItem> {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final HandlerRegistry handlers;
    private final PolicyRegistry policies;
    private final ExecutorService cpuPool;
    private final DeadLetterPublisher deadLetters;
    private final WorkerMetrics metrics;
    private final String workerId;
    private final Clock clock;

    public TaskRunner(HandlerRegistry handlers, PolicyRegistry policies, ExecutorService cpuPool,
            DeadLetterPublisher deadLetters, WorkerMetrics metrics, String workerId, Clock clock) {
        this.handlers = handlers;
        this.policies = policies;
        this.cpuPool = cpuPool;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.workerId = workerId;
        this.clock = clock;
    }

    @Override
    public void accept(WorkItem item) {
        ConsumerRecord<byte[], byte[]> record = item.record();
        MDC.put("kafka.partition", item.partition().toString());
        MDC.put("kafka.offset", Long.toString(record.offset()));
        try {
            run(item, record);
        } catch (InterruptedException e) {
            // Only cancellation (shutdown, rebalance) interrupts here; the record stays unfinished and is redelivered.
            log.info("task abandoned while writing its dead letter; it will be redelivered");
        } catch (RuntimeException | Error e) {
            // A bug of ours, not the handler's (those are caught in TaskExecution). Leaving the offset
            // unfinished holds commits at this record, so nothing is lost; the log says why.
            log.error("internal error running the task; its offset stays uncommitted until a restart redelivers it", e);
        } finally {
            MDC.clear();
        }
    }

    private void run(WorkItem item, ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        Instant startedAt = clock.instant();
        TaskMetadata metadata;
        try {
            metadata = TaskMetadata.readFrom(record.headers());
        } catch (MalformedTaskException e) {
            log.warn("undecodable record, dead-lettering it: {}", e.getMessage());
            deadLetter(item, WorkerMetrics.UNKNOWN_TYPE, new Outcome.Failed(DeadLetterReason.UNDECODABLE, 0, List.of(), e),
                    startedAt);
            return;
        }
        MDC.put("task.id", metadata.id());
        MDC.put("task.type", metadata.type());

        TaskHandler handler = handlers.find(metadata.type());
        if (handler == null) {
            UnknownTaskTypeException unknown = new UnknownTaskTypeException(metadata.type(), handlers.types());
            log.warn("{}; dead-lettering the task", unknown.getMessage());
            deadLetter(item, WorkerMetrics.UNKNOWN_TYPE, new Outcome.Failed(DeadLetterReason.UNKNOWN_TYPE, 0, List.of(), unknown),
                    startedAt);
            return;
        }

        TypePolicies typePolicies = policies.forType(metadata.type());
        Instant deadline = startedAt.plus(typePolicies.config().maxTaskDuration());
        if (metadata.deadline() != null && metadata.deadline().isBefore(deadline)) {
            deadline = metadata.deadline();
        }
        Task task = new Task(metadata, keyText(record.key()), record.value(), otherHeaders(record),
                record.topic(), record.partition(), record.offset());
        metrics.started(metadata.type());
        Outcome outcome = new TaskExecution(task, handler, typePolicies, deadline, item::isCancelled, cpuPool, item, clock).run();

        switch (outcome) {
            case Outcome.Succeeded succeeded -> {
                item.offsets().finished(record.offset());
                Instant now = clock.instant();
                metrics.succeeded(metadata.type(), succeeded.attempts(), Duration.between(startedAt, now),
                        Duration.between(metadata.createdAt(), now));
                if (succeeded.attempts() > 1) {
                    log.info("task succeeded on attempt {}", succeeded.attempts());
                } else {
                    log.debug("task succeeded");
                }
            }
            case Outcome.Failed failed -> {
                log.warn("task failed for good ({}) after {} attempt(s), dead-lettering it: {}", failed.reason(),
                        failed.attempts(), failed.cause().toString());
                deadLetter(item, metadata.type(), failed, startedAt);
            }
            case Outcome.Cancelled cancelled -> {
                metrics.cancelled(metadata.type());
                log.info("task cancelled by shutdown or rebalance after {} attempt(s); it will be redelivered",
                        cancelled.attempts());
            }
        }
    }

    private void deadLetter(WorkItem item, String typeTag, Outcome.Failed failed, Instant startedAt) throws InterruptedException {
        ConsumerRecord<byte[], byte[]> record = item.record();
        Throwable cause = failed.cause();
        DeadLetter deadLetter = new DeadLetter(record.topic(), record.partition(), record.offset(),
                record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null,
                failed.reason(), failed.attempts(), failed.failures(), cause.getClass().getName(),
                AttemptFailure.messageOf(cause), DeadLetter.stackTraceOf(cause), workerId, clock.instant());
        if (deadLetters.publish(record, deadLetter, item::isCancelled) == null) {
            return;
        }
        item.offsets().finished(record.offset());
        metrics.deadLettered(typeTag, failed.reason(), failed.attempts(), failed.failures().size(),
                Duration.between(startedAt, clock.instant()));
    }

    private static String keyText(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    private static Map<String, String> otherHeaders(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = null; // most tasks have none: no map for them
        for (Header header : record.headers()) {
            if (!header.key().startsWith(TaskHeaders.RESERVED_PREFIX) && header.value() != null) {
                if (headers == null) {
                    headers = new HashMap<>();
                }
                headers.put(header.key(), HeaderValues.string(header));
            }
        }
        return headers == null ? Map.of() : headers;
    }
}
