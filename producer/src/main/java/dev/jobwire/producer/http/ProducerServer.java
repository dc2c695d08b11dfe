package dev.jobwire.producer.http;

import dev.jobwire.ops.JvmMeters;
import dev.jobwire.ops.StopSignals;
import dev.jobwire.config.Settings;
import dev.jobwire.producer.PublisherConfig;
import dev.jobwire.producer.internal.Json;
import dev.jobwire.producer.internal.KafkaTaskPublisher;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint's composition root: wires the publisher, readiness check, metrics and routes,
 * starts Javalin, and stops it all in order. Routes:
 * <ul>
 *   <li>{@code POST /tasks}, {@code POST /tasks/batch} - see {@link TaskEndpoint};</li>
 *   <li>{@code GET /health/live} - 200 while the process runs;</li>
 *   <li>{@code GET /health/ready} - 200 when Kafka answered a describe of the task topic within 2 s,
 *       checked at most every 5 s; 503 otherwise;</li>
 *   <li>{@code GET /metrics} - Prometheus text: the endpoint's meters, JVM meters, Kafka producer meters.</li>
 * </ul>
 * {@link #main} reads {@link ServerConfig} from the environment and closes the server on SIGTERM:
 * stop accepting requests, then flush the producer. Thread-safe.
 */
public final class ProducerServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProducerServer.class);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(2);
    static final Duration READY_CACHE = Duration.ofSeconds(5);

    private final ServerConfig config;
    private final Javalin app;
    private final KafkaTaskPublisher publisher;
    private final Admin admin;
    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> meterBinders;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int port;

    private ProducerServer(ServerConfig config, Javalin app, KafkaTaskPublisher publisher, Admin admin,
            PrometheusMeterRegistry registry, List<AutoCloseable> meterBinders) {
        this.config = config;
        this.app = app;
        this.publisher = publisher;
        this.admin = admin;
        this.registry = registry;
        this.meterBinders = meterBinders;
    }

    /**
     * Starts a server; port 0 picks a free one (see {@link #port()}).
     *
     * @throws IllegalArgumentException when the Kafka configuration is invalid
     */
    public static ProducerServer start(ServerConfig config) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<AutoCloseable> binders = new ArrayList<>();
        JvmMeters jvm = new JvmMeters();
        jvm.bindTo(registry);
        binders.add(jvm);
        KafkaTaskPublisher publisher = new KafkaTaskPublisher(PublisherConfig.builder(config.bootstrapServers())
                .defaultTopic(config.topic())
                .deliveryTimeout(config.deliveryTimeout())
                .kafkaProperties(config.kafkaProperties())
                .build());
        KafkaClientMetrics kafkaMetrics = new KafkaClientMetrics(publisher.kafkaProducer());
        kafkaMetrics.bindTo(registry);
        binders.add(kafkaMetrics);
        Admin admin = Admin.create(adminProperties(config));

        Readiness readiness = new Readiness(admin, config.topic(), config.bootstrapServers(), READY_TIMEOUT, READY_CACHE,
                System::nanoTime);
        BearerAuth auth = new BearerAuth(config.authToken());
        TaskEndpoint tasks = new TaskEndpoint(publisher, new TaskJsonParser(config.allowedTopics(), config.maxBatchSize()),
                auth, new ProducerMetrics(registry), config.maxBodyBytes(), config.publishTimeout(), config.readTimeout());

        Javalin app = Javalin.create(javalin -> {
            JettySetup.apply(javalin, config, auth);
            javalin.startup.showJavalinBanner = false;
            javalin.startup.showOldJavalinVersionWarning = false;
            javalin.http.prefer405over404 = true;
            javalin.routes.post("/tasks", tasks::publishOne);
            javalin.routes.post("/tasks/batch", tasks::publishBatch);
            javalin.routes.get("/health/live", ctx -> status(ctx, 200, "UP", null));
            javalin.routes.get("/health/ready", ctx -> {
                Readiness.Status status = readiness.check();
                status(ctx, status.ready() ? 200 : 503, status.ready() ? "UP" : "DOWN", status.detail());
            });
            javalin.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(registry.scrape()));
            javalin.routes.error(404, ctx -> Problem.of(404, "not-found", "Not Found",
                    "no such endpoint: " + ctx.method() + " " + ctx.path()).writeTo(ctx));
            javalin.routes.error(405, ctx -> Problem.of(405, "method-not-allowed", "Method Not Allowed",
                    ctx.method() + " is not allowed on " + ctx.path()).writeTo(ctx));
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                Problem.of(500, "internal-error", "Internal Server Error", "unexpected error; see the server log").writeTo(ctx);
            });
        });
        ProducerServer server = new ProducerServer(config, app, publisher, admin, registry, binders);
        try {
            app.start(); // on the connector JettySetup added
            server.port = app.port();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static void status(Context ctx, int code, String status, String detail) {
        var body = Json.MAPPER.createObjectNode().put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        ctx.status(code).contentType("application/json").result(body.toString());
    }

    private static Map<String, Object> adminProperties(ServerConfig config) {
        Map<String, Object> props = new HashMap<>();
        config.kafkaProperties().forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(name)) {
                props.put(name, value);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "jobwire-producer-readiness");
        return props;
    }

    /** The port the server listens (or listened) on. */
    public int port() {
        return port;
    }

    public ServerConfig config() {
        return config;
    }

    /** Stops accepting requests, then flushes the producer (waiting up to the delivery timeout). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            app.stop();
        } finally {
            publisher.close();
            admin.close(Duration.ofSeconds(2));
            for (AutoCloseable binder : meterBinders) {
                try {
                    binder.close();
                } catch (Exception e) {
                    log.debug("closing {} failed", binder, e);
                }
            }
            registry.close();
        }
    }

    public static void main(String[] args) {
        StopSignals signals = StopSignals.install("the producer endpoint");
        ServerConfig config;
        try {
            config = ServerConfig.fromSettings(Settings.fromEnvironment());
        } catch (IllegalArgumentException e) {
            System.err.println("jobwire-producer: " + e.getMessage());
            System.exit(2);
            return;
        }
        ProducerServer server;
        try {
            server = start(config);
        } catch (RuntimeException e) {
            System.err.println("jobwire-producer: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (config.authToken() == null) {
            log.warn("JOBWIRE_AUTH_TOKEN is not set: anyone who can reach {}:{} can publish tasks", config.host(), server.port());
        }
        log.info("jobwire producer listening on http://{}:{}, publishing to topic '{}' at {}", config.host(), server.port(),
                config.topic(), config.bootstrapServers());
        try {
            signals.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("shutting down: no new requests; flushing the producer");
        server.close();
        log.info("stopped");
        System.exit(0);
    }
}
