package dev.jobwire.worker;

import dev.jobwire.worker.config.ConsumerMode;
import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.execution.PolicyRegistry;
import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.health.BrokerProbe;
import dev.jobwire.worker.metrics.WorkerMetrics;
import dev.jobwire.worker.topics.GroupSession;
import dev.jobwire.worker.topics.TopicLayout;
import dev.jobwire.worker.topics.TopicSetup;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker and its lifecycle. {@link #start()} returns at once: the worker's thread waits for
 * the broker (logging every few seconds, not ready meanwhile), sets up its topics, wires its parts
 * ({@link WorkerParts}) and polls. {@link #close()} is the graceful stop (also what SIGTERM
 * triggers), prompt even while it still waits for the broker.
 *
 * <p>Every type's policies are built in the constructor: a setting Failsafe refuses fails there,
 * naming it, before anything runs.
 *
 * <p>Thread-safety: start and close from one thread; status getters from any.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration STARTUP_LOG_EVERY = Duration.ofSeconds(5);

    /** Where the worker is in its life. */
    public enum Phase { NEW, WAITING_FOR_KAFKA, RUNNING, STOPPING, STOPPED, FAILED }

    private final WorkerConfig config;
    private final HandlerRegistry handlers;
    private final MeterRegistry registry;
    private final PolicyRegistry policies;
    private final WorkerMetrics metrics = new WorkerMetrics();
    private final Thread thread;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Phase phase = Phase.NEW;
    private volatile String waitingFor = "";
    private volatile boolean stopRequested;
    private volatile WorkerParts parts;
    private volatile BrokerProbe probe;
    private boolean closed;

    /**
     * @throws IllegalArgumentException when a task type's policy settings are invalid, naming the setting
     */
    public Worker(WorkerConfig config, HandlerRegistry handlers, MeterRegistry registry) {
        this.config = config;
        this.handlers = handlers;
        this.registry = registry;
        this.policies = new PolicyRegistry(config.defaultPolicy(), config.typePolicies(), handlers.types());
        this.thread = Thread.ofPlatform().name("jobwire-poll").unstarted(this::runWorker);
        this.thread.setUncaughtExceptionHandler((t, e) -> log.error("worker thread died", e));
    }

    /** Starts the worker's thread and returns at once. */
    public Worker start() {
        metrics.bindTo(registry);
        phase = Phase.WAITING_FOR_KAFKA;
        thread.start();
        return this;
    }

    private void runWorker() {
        Admin admin = Admin.create(WorkerParts.adminProperties(config));
        try {
            TopicLayout layout = awaitTopics(admin);
            if (layout == null) {
                return; // stopped while waiting
            }
            if (config.groupProtocol().equals("consumer")) {
                // In share mode JOBWIRE_GROUP_ID names a share group; only the delay movers' group is a consumer group.
                String delays = config.groupId() + WorkerParts.DELAY_GROUP_SUFFIX;
                GroupSession.apply(admin, config.consumerMode() == ConsumerMode.SHARE ? List.of(delays)
                        : List.of(config.groupId(), delays), config.sessionTimeout(), WorkerParts.heartbeat(config));
            }
            probe = new BrokerProbe(admin, Duration.ofSeconds(5), Duration.ofSeconds(15)).start();
            WorkerParts wired = WorkerParts.build(config, handlers, policies, metrics, registry, layout);
            parts = wired;
            try {
                if (stopRequested) {
                    wired.source.requestStop();
                }
                phase = Phase.RUNNING;
                log.info("worker {} started: topics {}, {} group {} ({} protocol), handlers {}, max in flight {}, cpu threads {} "
                                + "(queue {}), ordering {}, buffer capacity {}", config.instanceId(), config.topics(),
                        config.consumerMode().name().toLowerCase(Locale.ROOT), config.groupId(),
                        config.consumerMode() == ConsumerMode.SHARE ? "share" : config.groupProtocol(), handlers.types(),
                        config.maxInFlight(), config.cpuThreads(), config.cpuQueue(), config.ordering(), config.bufferCapacity());
                wired.source.run();
            } finally {
                probe.close();
                wired.close();
            }
            phase = Phase.STOPPED;
        } catch (InterruptedException e) {
            phase = Phase.STOPPED;
        } catch (RuntimeException | Error e) {
            phase = Phase.FAILED;
            log.error("worker failed; unfinished tasks will be delivered again", e);
        } finally {
            // Stopped while the broker does not answer: its calls in flight are given up at once
            // (Kafka's close would otherwise wait for them to time out, a minute by default).
            admin.close(stopRequested ? Duration.ZERO : Duration.ofSeconds(5));
            if (phase != Phase.FAILED) {
                phase = Phase.STOPPED;
            }
            ended.countDown();
        }
    }

    /**
     * Sets up the topics, retrying while the broker does not answer; a line every few seconds says
     * what it waits for. Returns null when asked to stop meanwhile.
     */
    private TopicLayout awaitTopics(Admin admin) throws InterruptedException {
        TopicSetup setup = new TopicSetup(admin, config.topics(), config.createTopics(), config.topicPartitions());
        long started = System.nanoTime();
        long lastLog = 0;
        while (!stopRequested) {
            try {
                TopicLayout layout = setup.run();
                if (lastLog != 0) {
                    log.info("Kafka at {} answers after {} s", config.bootstrapServers(),
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                }
                return layout;
            } catch (InterruptedException e) {
                if (stopRequested) {
                    return null;
                }
                throw e;
            } catch (Exception e) {
                waitingFor = "waiting for Kafka at " + config.bootstrapServers() + ": "
                        + (e.getCause() != null ? e.getCause() : e);
                if (System.nanoTime() - lastLog >= STARTUP_LOG_EVERY.toNanos()) {
                    lastLog = System.nanoTime();
                    log.warn("{} (for {} s so far)", waitingFor, TimeUnit.NANOSECONDS.toSeconds(lastLog - started));
                }
                Thread.sleep(1_000);
            }
        }
        return null;
    }

    public Phase phase() {
        return phase;
    }

    /** The worker's thread is running (false before start, after stop, or after a fatal error). */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** The process is doing its job: waiting for Kafka, or polling. */
    public boolean isAlive() {
        WorkerParts wired = parts;
        return switch (phase) {
            case WAITING_FOR_KAFKA, NEW -> thread.isAlive() || phase == Phase.NEW;
            case RUNNING -> wired != null && wired.source.isPolling();
            case STOPPING -> true;
            case STOPPED, FAILED -> false;
        };
    }

    public boolean isReady() {
        return notReadyReasons().isEmpty();
    }

    /** Why the worker cannot make progress now; empty when it can. */
    public List<String> notReadyReasons() {
        List<String> reasons = new ArrayList<>();
        WorkerParts wired = parts;
        switch (phase) {
            case NEW -> reasons.add("not started");
            case WAITING_FOR_KAFKA -> reasons.add(waitingFor.isEmpty() ? "connecting to Kafka at " + config.bootstrapServers()
                    : waitingFor);
            case STOPPING, STOPPED -> reasons.add("stopping");
            case FAILED -> reasons.add("failed: see the log");
            case RUNNING -> {
                BrokerProbe brokerProbe = probe;
                String broker = brokerProbe == null ? null : brokerProbe.problem();
                if (broker != null) {
                    reasons.add(broker);
                }
                String source = wired.source.notReadyReason();
                if (source != null) {
                    reasons.add(source);
                }
                String delays = wired.delays == null ? null : wired.delays.notReadyReason();
                if (delays != null) {
                    reasons.add(delays);
                }
                String writes = wired.writeHealth.problem();
                if (writes != null) {
                    reasons.add(writes);
                }
                double age = wired.source.oldestUnfinishedAgeSeconds();
                if (age > config.readyMaxTaskAge().toSeconds()) {
                    reasons.add(String.format("the oldest unfinished task has been in the worker for %.0f s, over the %d s "
                            + "allowed (JOBWIRE_READY_MAX_TASK_AGE): a handler hangs or its write cannot get through", age,
                            config.readyMaxTaskAge().toSeconds()));
                }
            }
        }
        return reasons;
    }

    public int inFlight() {
        WorkerParts wired = parts;
        return wired == null ? 0 : wired.threads.admission().inFlight();
    }

    /** Tasks started and not finished, including those in or waiting for a CPU step. */
    public int active() {
        WorkerParts wired = parts;
        return wired == null ? 0 : wired.threads.admission().active();
    }

    /** The most tasks ever in flight (holding I/O slots) at once. */
    public int maxInFlightSeen() {
        WorkerParts wired = parts;
        return wired == null ? 0 : wired.threads.admission().maxInFlightSeen();
    }

    public int buffered() {
        WorkerParts wired = parts;
        return wired == null ? 0 : wired.threads.admission().buffered();
    }

    /** Partitions of its consumer group this worker owns now. */
    public int assignedPartitions() {
        WorkerParts wired = parts;
        return wired == null ? 0 : wired.assignedPartitions();
    }

    public int pausedPartitions() {
        WorkerParts wired = parts;
        return wired == null ? 0 : wired.pausedPartitions();
    }

    /** Graceful stop: see {@code GroupSource}'s shutdown. Blocks until done. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed || phase == Phase.NEW) {
            closed = true;
            return;
        }
        closed = true;
        stopRequested = true;
        WorkerParts wired = parts;
        if (wired != null) {
            phase = Phase.STOPPING;
            wired.source.requestStop();
        } else {
            thread.interrupt(); // still waiting for the broker: stop at once
        }
        Duration wait = config.shutdownGrace().plus(WorkerParts.WRITE_GRACE).plusSeconds(30);
        if (!ended.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            log.error("worker did not stop within {} s", wait.toSeconds());
        }
        metrics.close();
        log.info("worker {} stopped", config.instanceId());
    }
}
