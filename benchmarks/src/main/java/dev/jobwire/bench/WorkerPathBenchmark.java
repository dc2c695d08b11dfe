package dev.jobwire.bench;

import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.admission.Admission;
import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.OrderingMode;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.completion.AcknowledgedWrites;
import dev.jobwire.worker.completion.TaskFinisher;
import dev.jobwire.worker.completion.WriteHealth;
import dev.jobwire.worker.config.TaskTypePolicy;
import dev.jobwire.worker.deadletter.DeadLetterWriter;
import dev.jobwire.worker.delay.DelayedTasks;
import dev.jobwire.worker.execution.HandOff;
import dev.jobwire.worker.execution.PolicyRegistry;
import dev.jobwire.worker.execution.Runner;
import dev.jobwire.worker.execution.TaskRunner;
import dev.jobwire.worker.execution.TypeBindings;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.metrics.WorkerMetrics;
import dev.jobwire.worker.source.group.PartitionProgress;
import dev.jobwire.worker.topics.TopicLayout;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The worker's whole per-task path for a no-op task, on one thread: a poll's batch of 500 records
 * goes through offset bookkeeping ({@link PartitionProgress}), admission, the task runner (header
 * decoding, handler lookup, deadline, the attempt with its permits and timer, the default circuit
 * breaker, metrics into a Prometheus registry, the MDC) and settlement, and the batch's committable
 * offset is read once, as the poll loop does. The benchmark's thread plays the task thread: it is
 * what one thread pays per task; the consumer's own cost is not in it.
 *
 * <p>Records are built fresh per batch the way the consumer hands them over (headers as byte
 * buffers whose keys are decoded on first use).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@State(Scope.Thread)
public class WorkerPathBenchmark {
    private static final int BATCH = 500;

    private TaskRunner taskRunner;
    private Admission admission;
    private Runner runner;
    private final List<WorkItem> started = new ArrayList<>();
    private ExecutorService cpuPool;
    private byte[][] headerKeys;
    private byte[][] headerValues;
    private long nextOffset;
    private List<ConsumerRecord<byte[], byte[]>> batch;
    long sink;

    @Setup
    public void setUp() {
        PrometheusMeterRegistry registry = WorkerMetrics.prometheusRegistry(); // as the service has it
        WorkerMetrics metrics = new WorkerMetrics();
        metrics.bindTo(registry);
        HandlerRegistry handlers = new HandlerRegistry().register("noop", (task, context) -> sink++);
        PolicyRegistry policies = new PolicyRegistry(TaskTypePolicy.DEFAULTS, Map.of(), handlers.types());
        cpuPool = Executors.newSingleThreadExecutor();
        AcknowledgedWrites writes = new AcknowledgedWrites(new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer()), new WriteHealth(), Duration.ofMillis(500), Duration.ofSeconds(30));
        TopicLayout layout = new TopicLayout(Map.of());
        TaskFinisher finisher = new TaskFinisher(new DeadLetterWriter(writes), new DelayedTasks(writes, layout), metrics, "bench");
        taskRunner = new TaskRunner(new TypeBindings(handlers, policies, metrics), cpuPool, finisher, HandOff.NEVER,
                Duration.ofSeconds(1));
        admission = new Admission(256, 8, started::add);
        runner = new Runner(Thread.currentThread(), admission);

        RecordHeaders written = new RecordHeaders();
        TaskMetadata.create("noop", null, null, null).writeTo(written);
        Header[] all = written.toArray();
        headerKeys = new byte[all.length][];
        headerValues = new byte[all.length][];
        for (int i = 0; i < all.length; i++) {
            headerKeys[i] = all[i].key().getBytes(StandardCharsets.UTF_8);
            headerValues[i] = all[i].value();
        }
    }

    @TearDown
    public void tearDown() {
        cpuPool.shutdownNow();
    }

    /** A fresh poll's worth of records, as the consumer builds them (not timed). */
    @Setup(Level.Invocation)
    public void nextBatch() {
        batch = new ArrayList<>(BATCH);
        byte[] value = "{}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < BATCH; i++) {
            Header[] headers = new Header[headerKeys.length];
            for (int h = 0; h < headers.length; h++) {
                headers[h] = new RecordHeader(ByteBuffer.wrap(headerKeys[h]), ByteBuffer.wrap(headerValues[h]));
            }
            batch.add(new ConsumerRecord<>("bench", 0, nextOffset++, System.currentTimeMillis(), TimestampType.CREATE_TIME,
                    -1, value.length, null, value, new RecordHeaders(headers), Optional.empty()));
        }
    }

    /** One batch of no-op tasks from poll to committable offset; JMH divides by the batch size. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long wholePathPerTask() {
        Lane lane = new Lane("bench-0");
        PartitionProgress progress = new PartitionProgress(lane);
        started.clear();
        admission.add(lane, progress.receive(batch, OrderingMode.UNORDERED));
        for (WorkItem first : started) {
            WorkItem item = first;
            while (item != null) {
                runner.begin(item);
                taskRunner.run(item, runner);
                item = admission.finish(item, true);
            }
        }
        long committable = progress.committable().orElseThrow();
        if (committable != nextOffset) {
            throw new IllegalStateException("not every task finished: committable " + committable + ", expected " + nextOffset);
        }
        return committable + sink;
    }
}
