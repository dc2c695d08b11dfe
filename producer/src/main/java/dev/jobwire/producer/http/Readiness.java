package dev.jobwire.producer.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Whether the broker answered recently and has the task topic: asks Kafka (describe topic, with a
 * short timeout) at most once per {@code cacheFor}; callers in between get the cached answer.
 * Thread-safe: one probe at a time, others wait for it.
 */
final class Readiness {
    /** @param ready true when the broker answered and the topic exists */
    record Status(boolean ready, String detail) {
    }

    private final Admin admin;
    private final String topic;
    private final String bootstrapServers;
    private final Duration timeout;
    private final long cacheForNanos;
    private final LongSupplier nanoClock;
    private Status cached;
    private long cachedAtNanos;

    Readiness(Admin admin, String topic, String bootstrapServers, Duration timeout, Duration cacheFor, LongSupplier nanoClock) {
        this.admin = admin;
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        this.cacheForNanos = cacheFor.toNanos();
        this.nanoClock = nanoClock;
    }

    synchronized Status check() {
        long now = nanoClock.getAsLong();
        if (cached == null || now - cachedAtNanos >= cacheForNanos) {
            cached = probe();
            cachedAtNanos = nanoClock.getAsLong();
        }
        return cached;
    }

    private Status probe() {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Status(true, "topic '" + topic + "' is available at " + bootstrapServers);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new Status(false, "topic '" + topic + "' does not exist at " + bootstrapServers);
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                return unreachable();
            }
            return new Status(false, "Kafka at " + bootstrapServers + " answered with an error: " + e.getCause());
        } catch (TimeoutException e) {
            return unreachable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(false, "interrupted");
        }
    }

    private Status unreachable() {
        return new Status(false, "no answer from Kafka at " + bootstrapServers + " within " + timeout.toMillis() + "ms");
    }
}
