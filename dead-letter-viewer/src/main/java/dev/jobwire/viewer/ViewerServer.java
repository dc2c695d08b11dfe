package dev.jobwire.viewer;

import dev.jobwire.ops.JvmMeters;
import dev.jobwire.ops.StopSignals;
import dev.jobwire.config.Settings;
import dev.jobwire.viewer.actions.JobRegistry;
import dev.jobwire.viewer.actions.MarkActions;
import dev.jobwire.viewer.actions.MarkTrimmer;
import dev.jobwire.viewer.actions.MarkWriter;
import dev.jobwire.viewer.actions.ReplayPlanner;
import dev.jobwire.viewer.actions.ReplayRunner;
import dev.jobwire.viewer.actions.ReplayTargets;
import dev.jobwire.viewer.audit.AuditLog;
import dev.jobwire.viewer.audit.AuditWriter;
import dev.jobwire.viewer.http.ApiRoutes;
import dev.jobwire.viewer.http.JettyErrors;
import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.EntryDecoder;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.index.ReplayOutcomes;
import dev.jobwire.viewer.kafka.DeadLetterLookup;
import dev.jobwire.viewer.kafka.KafkaClients;
import dev.jobwire.viewer.kafka.RecordFetcher;
import dev.jobwire.viewer.kafka.TopicFollower;
import dev.jobwire.viewer.security.AccessGuard;
import dev.jobwire.viewer.security.AuthThrottle;
import dev.jobwire.viewer.security.HostAllowlist;
import dev.jobwire.viewer.security.Sessions;
import dev.jobwire.viewer.security.TokenStrength;
import dev.jobwire.wire.TopicProvisioner;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter viewer's entry point and composition root: creates the audit and marks topics
 * if missing, starts the topic follower, the replay service and the HTTP server, and stops them in
 * reverse order. Configuration comes from {@code JOBWIRE_*} environment variables, see
 * {@link ViewerConfig#fromSettings}.
 *
 * <p>Thread-safety: {@link #start} and {@link #close} are meant for one thread; the running server
 * is used by Jetty's threads.
 */
public final class ViewerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerServer.class);

    private final List<AutoCloseable> closeables;
    private final Javalin app;
    private final TopicFollower follower;
    private final String token;

    private ViewerServer(List<AutoCloseable> closeables, Javalin app, TopicFollower follower, String token) {
        this.closeables = closeables;
        this.app = app;
        this.follower = follower;
        this.token = token;
    }

    public static void main(String[] args) {
        StopSignals signals = StopSignals.install("the dead-letter viewer");
        ViewerConfig config;
        try {
            config = ViewerConfig.fromSettings(Settings.fromEnvironment());
        } catch (IllegalArgumentException e) {
            System.err.println("jobwire dead-letter viewer: " + e.getMessage());
            System.exit(2);
            return;
        }
        ViewerServer server;
        try {
            server = start(config);
        } catch (IllegalArgumentException e) {
            System.err.println("jobwire dead-letter viewer: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            signals.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        System.exit(0);
    }

    /**
     * Starts everything; returns once the HTTP port is open (the index fills in the background).
     *
     * @throws IllegalArgumentException when a configured token is too weak ({@link TokenStrength}), or the
     *         index budget more than the heap can give ({@link ViewerConfig#effectiveIndexMemoryBytes()})
     */
    public static ViewerServer start(ViewerConfig config) {
        TokenStrength.require("JOBWIRE_VIEWER_TOKEN", config.token());
        TokenStrength.require("JOBWIRE_VIEWER_READ_TOKEN", config.readToken());
        long indexBudget = config.effectiveIndexMemoryBytes();
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            provisionTopics(config);
            String token = config.token() != null ? config.token() : Sessions.randomToken();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            JvmMeters jvm = new JvmMeters();
            jvm.bindTo(registry);
            closeables.add(jvm);

            AtomicLong version = new AtomicLong();
            MarkStore marks = new MarkStore(version);
            DeadLetterIndex index = new DeadLetterIndex(config.maxPerTopic(), indexBudget, version, marks);
            AuditLog auditLog = new AuditLog();
            EntryDecoder decoder = new EntryDecoder(config.searchChars());
            TopicFollower follower = new TopicFollower(config, index, marks, auditLog, decoder, registry);
            closeables.add(follower);
            bindIndexMetrics(registry, index, follower);
            RecordFetcher fetcher = new RecordFetcher(config);
            closeables.add(fetcher);
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config, "replay"),
                    new ByteArraySerializer(), new ByteArraySerializer());
            closeables.add(() -> producer.close(Duration.ofSeconds(5)));
            KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(registry);
            closeables.add(producerMetrics);

            MarkWriter markWriter = new MarkWriter(producer, config.marksTopic(), marks);
            AuditWriter auditWriter = new AuditWriter(producer, config.auditTopic(), config.instanceId());
            ReplayTargets targets = new ReplayTargets(config.replayTargets(), List.of(config.auditTopic(), config.marksTopic()),
                    fetcher::partitionCount);
            ReplayRunner runner = new ReplayRunner(fetcher, new ReplayPlanner(config.maxReplayCount(), targets), producer,
                    markWriter, auditWriter, config.replayRatePerSecond(), registry);
            JobRegistry jobs = new JobRegistry();
            closeables.add(jobs);
            MarkActions markActions = new MarkActions(markWriter, new DeadLetterLookup(index, fetcher), auditWriter);
            if (!config.readOnly()) {
                MarkTrimmer trimmer = new MarkTrimmer(marks, markWriter, fetcher);
                trimmer.start(config.markTrimInterval());
                closeables.add(trimmer);
            }

            boolean readAuth = config.effectiveReadAuth();
            AccessGuard guard = new AccessGuard(token, config.readToken(), config.readOnly(), readAuth,
                    new HostAllowlist(config.httpHost(), config.allowedHosts()), config.allowedOrigins(),
                    config.secureCookie(), new Sessions(config.sessionTtl()), new AuthThrottle());
            ApiRoutes routes = ApiRoutes.of(new ApiRoutes.Parts(config, guard, index, marks,
                    new ReplayOutcomes(index, config.replayOutcomeWindow()), follower, fetcher, decoder, jobs, auditLog,
                    auditWriter, registry, targets, runner, markActions));
            follower.start();

            Javalin app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.startup.showOldJavalinVersionWarning = false;
                cfg.http.maxRequestSize = 4_000_000;
                cfg.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
                routes.register(cfg.routes);
            });
            app.start(config.httpHost(), config.httpPort());
            closeables.add(app::stop);
            if (config.token() == null && (!config.readOnly() || readAuth)) {
                GeneratedToken.handOver(token, app.port());
            }
            LOG.info("Dead-letter viewer on http://{}:{}/ ({}; reads {}; hosts {}; topics: {}; index budget {} MB)",
                    config.httpHost(), app.port(), config.readOnly() ? "read-only" : "actions need the token",
                    readAuth ? "need a token" : "open", guard.hosts(),
                    config.topics().isEmpty() ? "every *.dlt topic" : config.topics(), index.budgetBytes() >> 20);
            return new ViewerServer(closeables, app, follower, token);
        } catch (RuntimeException e) {
            closeAll(closeables);
            throw e;
        }
    }

    private static void bindIndexMetrics(PrometheusMeterRegistry registry, DeadLetterIndex index, TopicFollower follower) {
        Gauge.builder("jobwire.viewer.dead.letters.indexed", index, DeadLetterIndex::size)
                .description("Dead letters held in the in-memory index").register(registry);
        Gauge.builder("jobwire.viewer.index.memory", index, DeadLetterIndex::bytes).baseUnit("bytes")
                .description("Estimated heap held by the index's entries").register(registry);
        Gauge.builder("jobwire.viewer.index.memory.budget", index, DeadLetterIndex::budgetBytes).baseUnit("bytes")
                .description("The index's memory budget (JOBWIRE_VIEWER_INDEX_MEMORY)").register(registry);
        Gauge.builder("jobwire.viewer.dead.letters.not.indexed", index,
                i -> i.coverage().notIndexed().stream().mapToLong(DeadLetterIndex.NotIndexed::records).sum())
                .description("Dead letters on the broker below the oldest indexed one (evicted or never read)")
                .register(registry);
        Gauge.builder("jobwire.viewer.reader.ready", follower, f -> f.isReady() ? 1 : 0)
                .description("1 when the Kafka reader has caught up and is alive, else 0").register(registry);
    }

    private static void provisionTopics(ViewerConfig config) {
        try (Admin admin = Admin.create(KafkaClients.base(config, "admin"))) {
            TopicProvisioner.ensure(admin, Map.of(config.auditTopic(), 1), config.replicationFactor(), Map.of());
            TopicProvisioner.ensure(admin, Map.of(config.marksTopic(), 1), config.replicationFactor(),
                    Map.of("cleanup.policy", "compact"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the viewer's topics", e);
        } catch (Exception e) {
            if (config.readOnly()) {
                LOG.warn("Could not create {} / {} (read-only mode goes on without them): {}", config.auditTopic(),
                        config.marksTopic(), e.toString());
            } else {
                throw new IllegalStateException("cannot create the viewer's topics " + config.auditTopic() + " and "
                        + config.marksTopic() + " on " + config.bootstrapServers() + ": " + e, e);
            }
        }
    }

    /** The HTTP port actually bound (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** The action token in force (configured or generated). */
    public String token() {
        return token;
    }

    public boolean isReady() {
        return follower.isReady();
    }

    public TopicFollower follower() {
        return follower;
    }

    @Override
    public void close() {
        closeAll(closeables);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Error while stopping: {}", e.toString());
            }
        }
        closeables.clear();
    }
}
