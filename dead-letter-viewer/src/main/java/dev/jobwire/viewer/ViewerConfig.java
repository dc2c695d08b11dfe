package dev.jobwire.viewer;

import dev.jobwire.config.Settings;
import dev.jobwire.wire.TopicNames;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything the viewer is configured with. Immutable; build one with {@link #fromSettings} (the
 * {@code JOBWIRE_*} environment) or {@link #defaults} plus the {@code with*} copies (tests).
 *
 * <p>Defaults: HTTP on {@code 127.0.0.1:8083}; every topic ending in {@code .dlt}, rediscovered every
 * 30 s; newest 100,000 dead letters per topic; a random action token logged once at start; actions
 * allowed (not read-only); loop guard at replay count 3; bulk replays at 100 records/s, at most
 * 100,000 per request.
 *
 * @param topics             dead-letter topics to read; empty means every topic ending in {@code .dlt}
 * @param token              the token that authorises actions; null means generate one at start-up
 * @param maxReplayCount     a dead letter whose replay would carry a {@code jobwire.replay-count}
 *                           above this is refused (loop guard)
 * @param allowedOrigins     extra browser origins allowed to call actions (besides the page's own)
 */
public record ViewerConfig(
        String bootstrapServers,
        String httpHost,
        int httpPort,
        List<String> topics,
        Duration discoveryInterval,
        int maxPerTopic,
        String token,
        boolean readOnly,
        int maxReplayCount,
        int replayRatePerSecond,
        int maxReplayBatch,
        List<String> allowedOrigins,
        boolean secureCookie,
        Duration sessionTtl,
        String auditTopic,
        String marksTopic,
        short replicationFactor,
        String instanceId,
        Properties kafkaProperties) {

    public static final int DEFAULT_PORT = 8083;

    public ViewerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        topics = List.copyOf(topics);
        allowedOrigins = List.copyOf(allowedOrigins);
        Properties copy = new Properties();
        copy.putAll(kafkaProperties);
        kafkaProperties = copy;
    }

    public static ViewerConfig defaults(String bootstrapServers) {
        return new ViewerConfig(bootstrapServers, "127.0.0.1", DEFAULT_PORT, List.of(), Duration.ofSeconds(30),
                100_000, null, false, 3, 100, 100_000, List.of(), false, Duration.ofHours(12),
                TopicNames.REPLAY_AUDIT_TOPIC, TopicNames.DEAD_LETTER_MARKS_TOPIC, (short) 1,
                defaultInstanceId(), new Properties());
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
        return new ViewerConfig(bootstrap,
                s.string("HTTP_HOST", d.httpHost),
                s.integer("HTTP_PORT", d.httpPort, 0, 65_535),
                list(s.raw("VIEWER_TOPICS")),
                s.duration("VIEWER_DISCOVERY_INTERVAL", d.discoveryInterval),
                s.integer("VIEWER_MAX_PER_TOPIC", d.maxPerTopic, 1, 10_000_000),
                s.raw("VIEWER_TOKEN"),
                s.bool("VIEWER_READ_ONLY", false),
                s.integer("VIEWER_MAX_REPLAY_COUNT", d.maxReplayCount, 0, 1_000),
                s.integer("VIEWER_REPLAY_RATE", d.replayRatePerSecond, 1, 100_000),
                s.integer("VIEWER_MAX_REPLAY_BATCH", d.maxReplayBatch, 1, 10_000_000),
                list(s.raw("VIEWER_ALLOWED_ORIGINS")),
                s.bool("VIEWER_SECURE_COOKIE", false),
                s.duration("VIEWER_SESSION_TTL", d.sessionTtl),
                s.string("VIEWER_AUDIT_TOPIC", d.auditTopic),
                s.string("VIEWER_MARKS_TOPIC", d.marksTopic),
                (short) s.integer("VIEWER_REPLICATION_FACTOR", 1, 1, 32),
                s.string("INSTANCE_ID", d.instanceId),
                s.kafkaClientProperties());
    }

    public ViewerConfig withHttp(String host, int port) {
        return new ViewerConfig(bootstrapServers, host, port, topics, discoveryInterval, maxPerTopic, token, readOnly,
                maxReplayCount, replayRatePerSecond, maxReplayBatch, allowedOrigins, secureCookie, sessionTtl, auditTopic,
                marksTopic, replicationFactor, instanceId, kafkaProperties);
    }

    public ViewerConfig withTopics(List<String> newTopics) {
        return new ViewerConfig(bootstrapServers, httpHost, httpPort, newTopics, discoveryInterval, maxPerTopic, token,
                readOnly, maxReplayCount, replayRatePerSecond, maxReplayBatch, allowedOrigins, secureCookie, sessionTtl,
                auditTopic, marksTopic, replicationFactor, instanceId, kafkaProperties);
    }

    public ViewerConfig withToken(String newToken) {
        return new ViewerConfig(bootstrapServers, httpHost, httpPort, topics, discoveryInterval, maxPerTopic, newToken,
                readOnly, maxReplayCount, replayRatePerSecond, maxReplayBatch, allowedOrigins, secureCookie, sessionTtl,
                auditTopic, marksTopic, replicationFactor, instanceId, kafkaProperties);
    }

    public ViewerConfig withReadOnly(boolean newReadOnly) {
        return new ViewerConfig(bootstrapServers, httpHost, httpPort, topics, discoveryInterval, maxPerTopic, token,
                newReadOnly, maxReplayCount, replayRatePerSecond, maxReplayBatch, allowedOrigins, secureCookie, sessionTtl,
                auditTopic, marksTopic, replicationFactor, instanceId, kafkaProperties);
    }

    public ViewerConfig withLimits(int newMaxPerTopic, int newMaxReplayCount, int newReplayRate) {
        return new ViewerConfig(bootstrapServers, httpHost, httpPort, topics, discoveryInterval, newMaxPerTopic, token,
                readOnly, newMaxReplayCount, newReplayRate, maxReplayBatch, allowedOrigins, secureCookie, sessionTtl,
                auditTopic, marksTopic, replicationFactor, instanceId, kafkaProperties);
    }

    public ViewerConfig withMetaTopics(String newAuditTopic, String newMarksTopic) {
        return new ViewerConfig(bootstrapServers, httpHost, httpPort, topics, discoveryInterval, maxPerTopic, token,
                readOnly, maxReplayCount, replayRatePerSecond, maxReplayBatch, allowedOrigins, secureCookie, sessionTtl,
                newAuditTopic, newMarksTopic, replicationFactor, instanceId, kafkaProperties);
    }

    private static List<String> list(String value) {
        return value == null ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "viewer" : host;
    }
}
