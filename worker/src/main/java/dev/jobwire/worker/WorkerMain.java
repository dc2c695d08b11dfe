package dev.jobwire.worker;

import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.ops.OpsServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import sun.misc.Signal;
import org.slf4j.LoggerFactory;

/**
 * The worker service's composition root: configuration from the environment, handlers from the
 * class path, metrics, the ops endpoints, and a graceful stop on SIGTERM. Exits 0 after a
 * graceful stop, 2 on invalid configuration, 1 if the worker fails.
 */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) {
        WorkerConfig config;
        try {
            config = WorkerConfig.fromEnvironment();
        } catch (IllegalArgumentException e) {
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("instance_id", config.instanceId());
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);

        Worker worker = new Worker(config, HandlerRegistry.discover(), registry);
        CountDownLatch stopped = new CountDownLatch(1);
        try (OpsServer ops = new OpsServer(config.httpHost(), config.httpPort(), registry, worker::isAlive, worker::isReady)) {
            log.info("metrics and health on http://{}:{}/ (/metrics, /health/live, /health/ready)", config.httpHost(), ops.port());
            // Handle SIGTERM/SIGINT ourselves, not in a shutdown hook: the graceful stop then ends
            // with exit code 0 (a hook-based stop exits 143), which orchestrators read as clean.
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), signal -> {
                    log.info("SIG{} received: stopping gracefully", name);
                    stopped.countDown();
                });
            }
            worker.start();
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                if (!worker.isRunning()) {
                    log.error("the poll loop stopped unexpectedly (see the error above); exiting so the task is redelivered");
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
