package dev.jobwire.worker;

import dev.jobwire.ops.JvmMeters;
import dev.jobwire.ops.StopSignals;
import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.metrics.WorkerMetrics;
import dev.jobwire.worker.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker service's composition root: configuration from the environment, handlers from the
 * class path, metrics, the ops endpoints, and a graceful stop on SIGTERM (also while it still
 * waits for the broker). Exits 0 after a graceful stop, 2 on invalid configuration, 1 if the
 * worker fails.
 */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) {
        StopSignals signals = StopSignals.install("the worker");
        WorkerConfig config;
        Worker worker;
        PrometheusMeterRegistry registry = WorkerMetrics.prometheusRegistry();
        try {
            config = WorkerConfig.fromEnvironment();
            registry.config().commonTags("instance_id", config.instanceId());
            worker = new Worker(config, HandlerRegistry.discover(), registry);
        } catch (IllegalArgumentException e) {
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        try (JvmMeters jvm = new JvmMeters();
                OpsServer ops = new OpsServer(config.httpHost(), config.httpPort(), registry, worker::isAlive,
                        worker::notReadyReasons)) {
            jvm.bindTo(registry);
            log.info("metrics and health on http://{}:{}/ (/metrics, /health/live, /health/ready)", config.httpHost(), ops.port());
            worker.start();
            while (!signals.await(Duration.ofSeconds(1))) {
                if (!worker.isRunning()) {
                    log.error("the worker stopped unexpectedly (see the error above); exiting so its tasks are delivered again");
                    System.exit(1);
                }
            }
            worker.close();
        } catch (Exception e) {
            log.error("worker failed", e);
            System.exit(1);
        }
        System.exit(0);
    }
}
