package dev.jobwire.bench;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.function.CheckedRunnable;
import dev.jobwire.wire.MalformedTaskException;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.worker.config.TaskTypePolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Failsafe costs per call around a no-op (a direct call is the floor): the retry policy only,
 * the attempt timeout only, both nested as the first worker did; and what decoding a task's headers
 * costs. The worker's own whole path is {@link WorkerPathBenchmark}.
 *
 * <p>Each benchmark runs one no-op "task"; the handler bumps {@link #sink}, which each method
 * returns so the JIT cannot drop the call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@State(Scope.Thread)
public class TaskPathBenchmark {

    /** The no-op handlers' side effect. */
    long sink;

    private CheckedRunnable noop;
    private FailsafeExecutor<Object> retryRunner;
    private FailsafeExecutor<Object> timeoutRunner;
    private CheckedRunnable attemptThroughTimeout;


    /** A task's header keys and values as UTF-8 bytes, as they arrive from the broker. */
    private byte[][] headerKeys;
    private byte[][] headerValues;

    @Setup
    public void setUp() throws MalformedTaskException {
        noop = () -> sink++;

        // The worker's default retry policy (TaskTypePolicy.DEFAULTS), as TypePolicies builds it.
        TaskTypePolicy defaults = TaskTypePolicy.DEFAULTS;
        RetryPolicy<Object> retry = RetryPolicy.builder()
                .withMaxAttempts(defaults.maxAttempts())
                .withBackoff(defaults.backoffInitial(), defaults.backoffMax())
                .withJitter(defaults.jitter())
                .build();
        retryRunner = Failsafe.with(retry);
        timeoutRunner = Failsafe.with(Timeout.builder(Duration.ofSeconds(30)).withInterrupt().build());
        attemptThroughTimeout = () -> timeoutRunner.run(noop);

        RecordHeaders written = new RecordHeaders();
        TaskMetadata.create("bench.noop", null, null, null).writeTo(written);
        Header[] all = written.toArray();
        headerKeys = new byte[all.length][];
        headerValues = new byte[all.length][];
        for (int i = 0; i < all.length; i++) {
            headerKeys[i] = all[i].key().getBytes(StandardCharsets.UTF_8);
            headerValues[i] = all[i].value();
        }
        TaskMetadata.readFrom(receivedHeaders());
    }

    /** The floor: the no-op handler called directly. */
    @Benchmark
    public long direct() throws Throwable {
        noop.run();
        return sink;
    }

    /** The retry policy alone (built once), no timeout. */
    @Benchmark
    public long failsafeRetryOnly() {
        retryRunner.run(noop);
        return sink;
    }

    /** The attempt timeout alone (30 s, interrupting), its executor cached as TypePolicies.attemptRunner() is. */
    @Benchmark
    public long failsafeTimeoutOnly() {
        timeoutRunner.run(noop);
        return sink;
    }

    /** The worker's shape: the retry executor around an attempt run through the cached timeout executor. */
    @Benchmark
    public long failsafeRetryThenTimeout() {
        retryRunner.run(attemptThroughTimeout);
        return sink;
    }


    /**
     * Decoding the Jobwire headers of one task record, built fresh each time the way the consumer
     * hands them over (byte buffers whose key is decoded on first use), so Kafka's key decoding counts.
     */
    @Benchmark
    public TaskMetadata decodeTaskMetadata() throws MalformedTaskException {
        return TaskMetadata.readFrom(receivedHeaders());
    }

    private RecordHeaders receivedHeaders() {
        Header[] received = new Header[headerKeys.length];
        for (int i = 0; i < received.length; i++) {
            received[i] = new RecordHeader(ByteBuffer.wrap(headerKeys[i]), ByteBuffer.wrap(headerValues[i]));
        }
        return new RecordHeaders(received);
    }
}
