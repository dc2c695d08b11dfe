package dev.jobwire.worker.config;

import dev.jobwire.config.Settings;
import dev.jobwire.wire.TopicNames;
import dev.jobwire.worker.admission.OrderingMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Every worker setting, immutable, with the defaults documented in the README's configuration
 * table. {@link #fromEnvironment} reads {@code JOBWIRE_*} variables and fails at start-up, naming
 * the variable, when one is invalid.
 *
 * @param maxInFlight      tasks started and not finished, at most (I/O concurrency)
 * @param cpuThreads       size of the pool CPU steps run on (parallelism)
 * @param cpuQueue         tasks allowed to wait for or run a CPU step beyond the in-flight limit
 * @param bufferCapacity   records buffered (received, not started), at most, all partitions
 *                         together; the consumer is paused before a poll could exceed it
 * @param partitionHighWatermark a partition with this many buffered plus in-flight tasks pauses
 * @param groupProtocol    {@code classic} or {@code consumer} (KIP-848), Kafka's {@code group.protocol}
 * @param consumerMode     a consumer group (default) or a share group (queue mode, KIP-932)
 * @param sessionTimeout   how long a worker that stopped heartbeating (a crash) keeps its partitions: the
 *                         classic consumer's {@code session.timeout.ms}, or its consumer group's
 *                         {@code consumer.session.timeout.ms} (set at start-up, within the broker's bounds)
 * @param retryHandOff     a retry whose backoff is at least this long is re-published to run later
 *                         instead of waiting in the worker
 * @param partitionWriteLimit a partition with this many dead-letter or delayed-task writes pending pauses
 * @param readyMaxTaskAge  readiness fails while a received task has been unfinished longer than this
 */
public record WorkerConfig(
        String bootstrapServers,
        List<String> topics,
        String groupId,
        String instanceId,
        int maxInFlight,
        int cpuThreads,
        int cpuQueue,
        OrderingMode ordering,
        int bufferCapacity,
        int partitionHighWatermark,
        Duration pollTimeout,
        Duration commitInterval,
        Duration revocationGrace,
        Duration shutdownGrace,
        String groupProtocol,
        ConsumerMode consumerMode,
        Duration sessionTimeout,
        Duration retryHandOff,
        int partitionWriteLimit,
        Duration readyMaxTaskAge,
        boolean createTopics,
        int topicPartitions,
        String httpHost,
        int httpPort,
        TaskTypePolicy defaultPolicy,
        Map<String, TaskTypePolicy> typePolicies,
        Properties kafkaProperties) {

    public WorkerConfig {
        topics = List.copyOf(topics);
        typePolicies = Map.copyOf(typePolicies);
        Properties copy = new Properties();
        copy.putAll(kafkaProperties);
        kafkaProperties = copy;
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("at least one task topic is required");
        }
        if (bufferCapacity < 8) {
            throw new IllegalArgumentException("buffer capacity must be at least 8, got " + bufferCapacity);
        }
        if (consumerMode == ConsumerMode.SHARE && ordering == OrderingMode.KEY) {
            throw new IllegalArgumentException("JOBWIRE_ORDERING=key cannot be used with JOBWIRE_CONSUMER_MODE=share: a share "
                    + "group hands the records of one partition to many workers at once, so no order per key holds; use "
                    + "JOBWIRE_CONSUMER_MODE=group for ordered keys, or JOBWIRE_ORDERING=unordered");
        }
    }

    /** Records one poll may return: small enough that a poll never overflows the buffer. */
    public int maxPollRecords() {
        return Math.max(1, Math.min(500, bufferCapacity / 4));
    }

    public static WorkerConfig fromEnvironment() {
        return from(Settings.fromEnvironment());
    }

    public static WorkerConfig from(Settings s) {
        int cores = Runtime.getRuntime().availableProcessors();
        TaskTypePolicy d = TaskTypePolicy.DEFAULTS;
        TaskTypePolicy defaults = defaults(s, d);
        String ordering = s.string("ORDERING", "unordered").toUpperCase(Locale.ROOT);
        OrderingMode mode = switch (ordering) {
            case "UNORDERED" -> OrderingMode.UNORDERED;
            case "KEY" -> OrderingMode.KEY;
            default -> throw new IllegalArgumentException("JOBWIRE_ORDERING='" + ordering.toLowerCase(Locale.ROOT)
                    + "' is invalid: expected unordered or key");
        };
        int bufferCapacity = s.integer("BUFFER_CAPACITY", 1000, 8, 1_000_000);
        int cpuThreads = s.integer("CPU_THREADS", cores, 1, 4096);
        return new WorkerConfig(
                s.string("BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                Arrays.stream(s.string("TOPICS", TopicNames.DEFAULT_TASK_TOPIC).split(",")).map(String::trim)
                        .filter(t -> !t.isEmpty()).toList(),
                s.string("GROUP_ID", "jobwire-worker"),
                s.string("INSTANCE_ID", defaultInstanceId()),
                s.integer("MAX_IN_FLIGHT", 64, 1, 100_000),
                cpuThreads,
                s.integer("CPU_QUEUE", 4 * cpuThreads, 0, 1_000_000),
                mode,
                bufferCapacity,
                s.integer("PARTITION_HIGH_WATERMARK", Math.max(2, bufferCapacity / 5), 2, 1_000_000),
                s.duration("POLL_TIMEOUT", Duration.ofMillis(100)),
                s.duration("COMMIT_INTERVAL", Duration.ofSeconds(1)),
                s.duration("REVOCATION_GRACE", Duration.ofSeconds(10)),
                s.duration("SHUTDOWN_GRACE", Duration.ofSeconds(20)),
                groupProtocol(s),
                consumerMode(s),
                s.duration("SESSION_TIMEOUT", Duration.ofSeconds(10)),
                s.duration("RETRY_HANDOFF", Duration.ofSeconds(1)),
                s.integer("PARTITION_WRITE_LIMIT", 32, 1, 1_000_000),
                s.duration("READY_MAX_TASK_AGE", longer(Duration.ofMinutes(10), defaults.maxTaskDuration().plusMinutes(1))),
                s.bool("CREATE_TOPICS", true),
                s.integer("TOPIC_PARTITIONS", 12, 1, 10_000),
                s.string("HTTP_HOST", "0.0.0.0"),
                s.integer("HTTP_PORT", 8082, 0, 65535),
                defaults,
                TypePolicyOverrides.parse(s.string("TYPE_POLICIES", ""), defaults),
                s.kafkaClientProperties());
    }

    /** The default task policy, an invalid combination reported under the variable that holds it. */
    private static TaskTypePolicy defaults(Settings s, TaskTypePolicy d) {
        try {
            return d.toBuilder()
                    .maxAttempts(s.integer("MAX_ATTEMPTS", d.maxAttempts(), 1, 1000))
                    .backoff(s.duration("BACKOFF_INITIAL", d.backoffInitial()), s.duration("BACKOFF_MAX", d.backoffMax()))
                    .jitter(s.decimal("BACKOFF_JITTER", d.jitter(), 0, 1))
                    .attemptTimeout(s.duration("ATTEMPT_TIMEOUT", d.attemptTimeout()))
                    .maxTaskDuration(s.duration("MAX_TASK_DURATION", d.maxTaskDuration()))
                    .concurrencyLimit(s.integer("CONCURRENCY_LIMIT", d.concurrencyLimit(), 0, 1_000_000))
                    .ratePerSecond(s.decimal("RATE_PER_SECOND", d.ratePerSecond(), 0, 1_000_000))
                    .breaker(s.integer("BREAKER_FAILURE_RATE", d.breakerFailureRate(), 0, 100),
                            s.integer("BREAKER_MIN_ATTEMPTS", d.breakerMinAttempts(), 1, 1_000_000),
                            s.duration("BREAKER_PERIOD", d.breakerPeriod()),
                            s.duration("BREAKER_DELAY", d.breakerDelay()))
                    .build();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (message.startsWith("JOBWIRE_")) {
                throw e;
            }
            String setting = message.split(" ", 2)[0];
            String variable = setting.equals("jitter") ? "BACKOFF_JITTER" : setting.toUpperCase(Locale.ROOT).replace('-', '_');
            throw new IllegalArgumentException("JOBWIRE_" + variable + " is invalid: " + message, e);
        }
    }

    private static String groupProtocol(Settings s) {
        String protocol = s.string("GROUP_PROTOCOL", "classic").toLowerCase(Locale.ROOT);
        if (!protocol.equals("classic") && !protocol.equals("consumer")) {
            throw new IllegalArgumentException("JOBWIRE_GROUP_PROTOCOL='" + protocol
                    + "' is invalid: expected classic (the default) or consumer (Kafka 4's group protocol, KIP-848)");
        }
        return protocol;
    }

    private static ConsumerMode consumerMode(Settings s) {
        String mode = s.string("CONSUMER_MODE", "group").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "group" -> ConsumerMode.GROUP;
            case "share" -> ConsumerMode.SHARE;
            default -> throw new IllegalArgumentException("JOBWIRE_CONSUMER_MODE='" + mode
                    + "' is invalid: expected group (a consumer group, the default) or share (a share group, queue mode)");
        };
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
