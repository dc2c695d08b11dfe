package dev.jobwire.viewer;

import dev.jobwire.config.Settings;
import dev.jobwire.wire.TopicNames;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything the viewer is configured with. Immutable; build one with {@link #fromSettings} (the
 * {@code JOBWIRE_*} environment) or {@link #defaults} plus {@link #toBuilder()} / the {@code with*}
 * copies (tests).
 *
 * <p>Defaults: HTTP on {@code 127.0.0.1:8083}, accepting the {@code Host} names of the bind address,
 * {@code localhost}, {@code 127.0.0.1} and {@code [::1]}; reads need the token only when bound to a
 * non-loopback address; every topic ending in {@code .dlt}, rediscovered every 30 s; newest 100,000
 * dead letters per topic within an index memory budget of 40 % of the heap, 4,096 characters of
 * each kept for free text; a random action token printed once at start; actions allowed (not
 * read-only); loop guard at 3 replays; replays only to each dead letter's original topic; bulk
 * replays at 100 records/s, at most 100,000 per request; a replay counts as successful when no new
 * dead letter came back within 15 minutes; marks of dead letters gone from the broker trimmed
 * every 10 minutes.
 *
 * @param topics              dead-letter topics to read; empty means every topic ending in {@code .dlt}
 * @param indexMemoryBytes    the index's memory budget in bytes; 0 means 40 % of the maximum heap
 * @param searchChars         characters of each dead letter (key, message, payload start, header
 *                            values) kept for free-text search
 * @param token               the token that authorises actions (and reads); null means generate one
 * @param readToken           an optional second token that authorises reads only; null for none
 * @param readAuth            reads need a token or session; null means "when bound to a non-loopback address"
 * @param allowedHosts        {@code Host} names accepted besides the defaults (DNS-rebinding guard)
 * @param maxReplayCount      loop guard: a replay whose count (the record's earlier replays plus this
 *                            dead letter's own replays) would exceed this is refused
 * @param replayTargets       topics a replay may go to besides each dead letter's original topic;
 *                            an entry ending in {@code *} is a prefix
 * @param replayOutcomeWindow how long after a replay a new dead letter still counts as "failed again"
 * @param allowedOrigins      extra browser origins allowed to call actions (besides the page's own)
 * @param markTrimInterval    how often marks of dead letters gone from the broker are deleted
 */
public record ViewerConfig(
        String bootstrapServers,
        String httpHost,
        int httpPort,
        List<String> topics,
        Duration discoveryInterval,
        int maxPerTopic,
        long indexMemoryBytes,
        int searchChars,
        String token,
        String readToken,
        Boolean readAuth,
        List<String> allowedHosts,
        boolean readOnly,
        int maxReplayCount,
        int replayRatePerSecond,
        int maxReplayBatch,
        List<String> replayTargets,
        Duration replayOutcomeWindow,
        List<String> allowedOrigins,
        boolean secureCookie,
        Duration sessionTtl,
        String auditTopic,
        String marksTopic,
        short replicationFactor,
        String instanceId,
        Duration markTrimInterval,
        Properties kafkaProperties) {

    public static final int DEFAULT_PORT = 8083;
    public static final double DEFAULT_INDEX_HEAP_SHARE = 0.4;
    /** The largest index budget accepted, as a share of the maximum heap. */
    public static final double MAX_INDEX_HEAP_SHARE = 0.6;

    public ViewerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        topics = List.copyOf(topics);
        allowedHosts = List.copyOf(allowedHosts);
        replayTargets = List.copyOf(replayTargets);
        allowedOrigins = List.copyOf(allowedOrigins);
        Properties copy = new Properties();
        copy.putAll(kafkaProperties);
        kafkaProperties = copy;
    }

    public static ViewerConfig defaults(String bootstrapServers) {
        return new ViewerConfig(bootstrapServers, "127.0.0.1", DEFAULT_PORT, List.of(), Duration.ofSeconds(30),
                100_000, 0, 4_096, null, null, null, List.of(), false, 3, 100, 100_000, List.of(),
                Duration.ofMinutes(15), List.of(), false, Duration.ofHours(12), TopicNames.REPLAY_AUDIT_TOPIC,
                TopicNames.DEAD_LETTER_MARKS_TOPIC, (short) 1, defaultInstanceId(), Duration.ofMinutes(10),
                new Properties());
    }

    /**
     * Reads {@code JOBWIRE_BOOTSTRAP_SERVERS} (required), {@code JOBWIRE_HTTP_HOST}, {@code JOBWIRE_HTTP_PORT},
     * {@code JOBWIRE_VIEWER_*} and the {@code JOBWIRE_KAFKA_*} client pass-through.
     *
     * @throws IllegalArgumentException naming the variable that is missing or invalid
     */
    public static ViewerConfig fromSettings(Settings s) {
        String bootstrap = s.raw("BOOTSTRAP_SERVERS");
        if (bootstrap == null) {
            throw new IllegalArgumentException("JOBWIRE_BOOTSTRAP_SERVERS is required, e.g. 127.0.0.1:9092");
        }
        ViewerConfig d = defaults(bootstrap);
        String readAuth = s.raw("VIEWER_READ_AUTH");
        return new ViewerConfig(bootstrap,
                s.string("HTTP_HOST", d.httpHost),
                s.integer("HTTP_PORT", d.httpPort, 0, 65_535),
                list(s.raw("VIEWER_TOPICS")),
                s.duration("VIEWER_DISCOVERY_INTERVAL", d.discoveryInterval),
                s.integer("VIEWER_MAX_PER_TOPIC", d.maxPerTopic, 1, 10_000_000),
                bytes("JOBWIRE_VIEWER_INDEX_MEMORY", s.raw("VIEWER_INDEX_MEMORY")),
                s.integer("VIEWER_SEARCH_CHARS", d.searchChars, 0, 1_000_000),
                s.raw("VIEWER_TOKEN"),
                s.raw("VIEWER_READ_TOKEN"),
                readAuth == null ? null : s.bool("VIEWER_READ_AUTH", false),
                list(s.raw("VIEWER_HOSTS")),
                s.bool("VIEWER_READ_ONLY", false),
                s.integer("VIEWER_MAX_REPLAY_COUNT", d.maxReplayCount, 0, 1_000),
                s.integer("VIEWER_REPLAY_RATE", d.replayRatePerSecond, 1, 100_000),
                s.integer("VIEWER_MAX_REPLAY_BATCH", d.maxReplayBatch, 1, 10_000_000),
                list(s.raw("VIEWER_REPLAY_TARGETS")),
                s.duration("VIEWER_REPLAY_OUTCOME_WINDOW", d.replayOutcomeWindow),
                list(s.raw("VIEWER_ALLOWED_ORIGINS")),
                s.bool("VIEWER_SECURE_COOKIE", false),
                s.duration("VIEWER_SESSION_TTL", d.sessionTtl),
                s.string("VIEWER_AUDIT_TOPIC", d.auditTopic),
                s.string("VIEWER_MARKS_TOPIC", d.marksTopic),
                (short) s.integer("VIEWER_REPLICATION_FACTOR", 1, 1, 32),
                s.string("INSTANCE_ID", d.instanceId),
                s.duration("VIEWER_MARK_TRIM_INTERVAL", d.markTrimInterval),
                s.kafkaClientProperties());
    }

    /**
     * The index budget in bytes: the configured one, else 40 % of the maximum heap.
     *
     * @throws IllegalArgumentException when the configured budget is more than 60 % of the heap
     */
    public long effectiveIndexMemoryBytes() {
        return effectiveIndexMemoryBytes(Runtime.getRuntime().maxMemory());
    }

    /**
     * The index budget for a heap of {@code maxHeapBytes}. A budget above 60 % of it is refused:
     * reading Kafka and answering requests need the rest, and an index allowed to grow past them
     * runs the whole JVM out of memory (in a 96 MB test JVM, Jetty's selector died of it first and
     * the viewer stopped answering altogether).
     */
    long effectiveIndexMemoryBytes(long maxHeapBytes) {
        if (indexMemoryBytes <= 0) {
            return (long) (maxHeapBytes * DEFAULT_INDEX_HEAP_SHARE);
        }
        long most = (long) (maxHeapBytes * MAX_INDEX_HEAP_SHARE);
        if (indexMemoryBytes > most) {
            throw new IllegalArgumentException("JOBWIRE_VIEWER_INDEX_MEMORY=" + (indexMemoryBytes >> 20) + " MB is more than 60 % of"
                    + " the heap (" + (maxHeapBytes >> 20) + " MB): the viewer would run out of memory before the index is full."
                    + " Use at most " + (most >> 20) + " MB (unset, it is 40 % of the heap), or give the JVM more heap (-Xmx)");
        }
        return indexMemoryBytes;
    }

    /** Whether reads need a token: as configured, else when the bind address is not a loopback one. */
    public boolean effectiveReadAuth() {
        return readAuth != null ? readAuth : !isLoopback(httpHost);
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: never resolved here; treat as reachable from elsewhere
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public ViewerConfig withHttp(String host, int port) {
        return toBuilder().http(host, port).build();
    }

    public ViewerConfig withTopics(List<String> newTopics) {
        return toBuilder().topics(newTopics).build();
    }

    public ViewerConfig withToken(String newToken) {
        return toBuilder().token(newToken).build();
    }

    public ViewerConfig withReadOnly(boolean newReadOnly) {
        return toBuilder().readOnly(newReadOnly).build();
    }

    public ViewerConfig withLimits(int newMaxPerTopic, int newMaxReplayCount, int newReplayRate) {
        return toBuilder().maxPerTopic(newMaxPerTopic).maxReplayCount(newMaxReplayCount).replayRate(newReplayRate).build();
    }

    public ViewerConfig withMetaTopics(String newAuditTopic, String newMarksTopic) {
        return toBuilder().metaTopics(newAuditTopic, newMarksTopic).build();
    }

    /** Changes a copy one setting at a time (tests and tools). Not thread-safe; use it on one thread. */
    public static final class Builder {
        private String bootstrapServers;
        private String httpHost;
        private int httpPort;
        private List<String> topics;
        private Duration discoveryInterval;
        private int maxPerTopic;
        private long indexMemoryBytes;
        private int searchChars;
        private String token;
        private String readToken;
        private Boolean readAuth;
        private List<String> allowedHosts;
        private boolean readOnly;
        private int maxReplayCount;
        private int replayRatePerSecond;
        private int maxReplayBatch;
        private List<String> replayTargets;
        private Duration replayOutcomeWindow;
        private List<String> allowedOrigins;
        private boolean secureCookie;
        private Duration sessionTtl;
        private String auditTopic;
        private String marksTopic;
        private short replicationFactor;
        private String instanceId;
        private Duration markTrimInterval;
        private Properties kafkaProperties;

        private Builder(ViewerConfig c) {
            bootstrapServers = c.bootstrapServers;
            httpHost = c.httpHost;
            httpPort = c.httpPort;
            topics = c.topics;
            discoveryInterval = c.discoveryInterval;
            maxPerTopic = c.maxPerTopic;
            indexMemoryBytes = c.indexMemoryBytes;
            searchChars = c.searchChars;
            token = c.token;
            readToken = c.readToken;
            readAuth = c.readAuth;
            allowedHosts = c.allowedHosts;
            readOnly = c.readOnly;
            maxReplayCount = c.maxReplayCount;
            replayRatePerSecond = c.replayRatePerSecond;
            maxReplayBatch = c.maxReplayBatch;
            replayTargets = c.replayTargets;
            replayOutcomeWindow = c.replayOutcomeWindow;
            allowedOrigins = c.allowedOrigins;
            secureCookie = c.secureCookie;
            sessionTtl = c.sessionTtl;
            auditTopic = c.auditTopic;
            marksTopic = c.marksTopic;
            replicationFactor = c.replicationFactor;
            instanceId = c.instanceId;
            markTrimInterval = c.markTrimInterval;
            kafkaProperties = c.kafkaProperties;
        }

        public Builder http(String host, int port) {
            httpHost = host;
            httpPort = port;
            return this;
        }

        public Builder topics(List<String> value) {
            topics = value;
            return this;
        }

        public Builder discoveryInterval(Duration value) {
            discoveryInterval = value;
            return this;
        }

        public Builder maxPerTopic(int value) {
            maxPerTopic = value;
            return this;
        }

        public Builder indexMemoryBytes(long value) {
            indexMemoryBytes = value;
            return this;
        }

        public Builder searchChars(int value) {
            searchChars = value;
            return this;
        }

        public Builder token(String value) {
            token = value;
            return this;
        }

        public Builder readToken(String value) {
            readToken = value;
            return this;
        }

        public Builder readAuth(Boolean value) {
            readAuth = value;
            return this;
        }

        public Builder allowedHosts(List<String> value) {
            allowedHosts = value;
            return this;
        }

        public Builder readOnly(boolean value) {
            readOnly = value;
            return this;
        }

        public Builder maxReplayCount(int value) {
            maxReplayCount = value;
            return this;
        }

        public Builder replayRate(int value) {
            replayRatePerSecond = value;
            return this;
        }

        public Builder maxReplayBatch(int value) {
            maxReplayBatch = value;
            return this;
        }

        public Builder replayTargets(List<String> value) {
            replayTargets = value;
            return this;
        }

        public Builder replayOutcomeWindow(Duration value) {
            replayOutcomeWindow = value;
            return this;
        }

        public Builder allowedOrigins(List<String> value) {
            allowedOrigins = value;
            return this;
        }

        public Builder metaTopics(String audit, String marks) {
            auditTopic = audit;
            marksTopic = marks;
            return this;
        }

        public Builder instanceId(String value) {
            instanceId = value;
            return this;
        }

        public Builder markTrimInterval(Duration value) {
            markTrimInterval = value;
            return this;
        }

        public ViewerConfig build() {
            return new ViewerConfig(bootstrapServers, httpHost, httpPort, topics, discoveryInterval, maxPerTopic,
                    indexMemoryBytes, searchChars, token, readToken, readAuth, allowedHosts, readOnly, maxReplayCount,
                    replayRatePerSecond, maxReplayBatch, replayTargets, replayOutcomeWindow, allowedOrigins, secureCookie,
                    sessionTtl, auditTopic, marksTopic, replicationFactor, instanceId, markTrimInterval, kafkaProperties);
        }
    }

    private static List<String> list(String value) {
        return value == null ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /**
     * A size such as {@code 300m}, {@code 1g}, {@code 512k} or plain bytes; null means the default (0).
     *
     * @throws IllegalArgumentException naming the variable
     */
    static long bytes(String variable, String value) {
        if (value == null) {
            return 0;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        try {
            long amount = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1));
            if (amount <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(amount, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(variable + "='" + value + "' is not a size: use e.g. 300m, 1g or 52428800");
        }
    }

    private static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "viewer" : host;
    }
}
