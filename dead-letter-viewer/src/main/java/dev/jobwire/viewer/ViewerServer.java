package dev.jobwire.viewer;

import dev.jobwire.config.Settings;
import dev.jobwire.viewer.http.ActionGuard;
import dev.jobwire.viewer.http.ApiRoutes;
import dev.jobwire.viewer.http.JettyErrors;
import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.kafka.KafkaClients;
import dev.jobwire.viewer.kafka.RecordFetcher;
import dev.jobwire.viewer.kafka.TopicFollower;
import dev.jobwire.viewer.replay.AuditLog;
import dev.jobwire.viewer.replay.ReplayService;
import dev.jobwire.wire.TopicProvisioner;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
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
        ViewerConfig config;
        try {
            config = ViewerConfig.fromSettings(Settings.fromEnvironment());
        } catch (IllegalArgumentException e) {
            System.err.println("jobwire dead-letter viewer: " + e.getMessage());
            System.exit(2);
            return;
        }
        ViewerServer server = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "jobwire-viewer-shutdown"));
    }

    /** Starts everything; returns once the HTTP port is open (the index fills in the background). */
    public static ViewerServer start(ViewerConfig config) {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            provisionTopics(config);
            String token = config.token();
            if (token == null && !config.readOnly()) {
                token = ActionGuard.randomToken();
                LOG.warn("JOBWIRE_VIEWER_TOKEN is not set; replay and resolve need this token, generated for this run: {}",
                        token);
            }
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(registry);
            JvmGcMetrics gc = new JvmGcMetrics();
            gc.bindTo(registry);
            closeables.add(gc);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);

            AtomicLong version = new AtomicLong();
            MarkStore marks = new MarkStore(version);
            DeadLetterIndex index = new DeadLetterIndex(config.maxPerTopic(), version, marks);
            Gauge.builder("jobwire.viewer.dead.letters.indexed", index, DeadLetterIndex::size)
                    .description("Dead letters held in the in-memory index").register(registry);
            AuditLog audit = new AuditLog();

            TopicFollower follower = new TopicFollower(config, index, marks, audit, registry);
            closeables.add(follower);
            RecordFetcher fetcher = new RecordFetcher(config);
            closeables.add(fetcher);
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config, "replay"),
                    new ByteArraySerializer(), new ByteArraySerializer());
            closeables.add(() -> producer.close(Duration.ofSeconds(5)));
            KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(registry);
            closeables.add(producerMetrics);
            ReplayService replays = new ReplayService(config, fetcher, producer, marks, registry);
            closeables.add(replays);

            ActionGuard guard = new ActionGuard(token == null ? ActionGuard.randomToken() : token, config.readOnly(),
                    config.allowedOrigins(), config.secureCookie(), config.sessionTtl());
            ApiRoutes routes = new ApiRoutes(config, index, marks, follower, fetcher, replays, audit, guard, registry);
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
            LOG.info("Dead-letter viewer on http://{}:{}/ ({}; topics: {})", config.httpHost(), app.port(),
                    config.readOnly() ? "read-only" : "actions need the token",
                    config.topics().isEmpty() ? "every *.dlt topic" : config.topics());
            return new ViewerServer(closeables, app, follower, token);
        } catch (RuntimeException e) {
            closeAll(closeables);
            throw e;
        }
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

    /** The action token in force (configured or generated); null in read-only mode without one. */
    public String token() {
        return token;
    }

    public boolean isReady() {
        return follower.isReady();
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
