package dev.jobwire.worker.source.share;

import dev.jobwire.worker.metrics.WorkerMetrics;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.AcknowledgeType;

/**
 * The share source's meters: records acquired (tagged with their delivery count, 1 to 10: the
 * broker's limit is at most 10), acknowledged by type, locks renewed, lost or released because a
 * task ran too long, and acknowledgements the broker refused. Published through
 * {@link WorkerMetrics} as counters read at scrape time.
 *
 * <p>Thread-safe: adders. Recorded by the poll thread.
 */
final class ShareMetrics {
    /** Delivery counts are tagged 1..MAX_TAGGED; a higher one (a broker allowing more) counts as MAX_TAGGED. */
    static final int MAX_TAGGED = 10;

    private final LongAdder[] acquiredByDelivery = new LongAdder[MAX_TAGGED];
    private final LongAdder accepted = new LongAdder();
    private final LongAdder released = new LongAdder();
    private final LongAdder renewed = new LongAdder();
    private final LongAdder renewalsLost = new LongAdder();
    private final LongAdder releasedOverdue = new LongAdder();
    private final LongAdder failed = new LongAdder();

    ShareMetrics() {
        for (int i = 0; i < MAX_TAGGED; i++) {
            acquiredByDelivery[i] = new LongAdder();
        }
    }

    /** Registers every meter; the registry must be bound. */
    void bindTo(WorkerMetrics metrics) {
        for (int i = 0; i < MAX_TAGGED; i++) {
            LongAdder adder = acquiredByDelivery[i];
            metrics.counter("jobwire.share.records.acquired",
                    "Records this worker acquired from its share group, by delivery count (1 = first delivery)",
                    adder::sum, "delivery", Integer.toString(i + 1));
        }
        metrics.counter("jobwire.share.records.acknowledged", "Records acknowledged to the share group, by type",
                accepted::sum, "ack", ack(AcknowledgeType.ACCEPT))
                .counter("jobwire.share.records.acknowledged", "Records acknowledged to the share group, by type",
                        released::sum, "ack", ack(AcknowledgeType.RELEASE))
                .counter("jobwire.share.lock.renewals", "Record locks renewed while their task still ran", renewed::sum)
                .counter("jobwire.share.lock.lost", "Record locks the broker refused to renew (another worker may run "
                        + "the task again)", renewalsLost::sum)
                .counter("jobwire.share.records.released_overdue", "Records released because their task ran longer "
                        + "than JOBWIRE_READY_MAX_TASK_AGE (a hung handler); the group delivers them again",
                        releasedOverdue::sum)
                .counter("jobwire.share.acknowledgements.failed", "Acknowledgements the broker refused (the lock had "
                        + "expired: the task may run again elsewhere)", failed::sum);
    }

    private static String ack(AcknowledgeType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    void acquired(Optional<Short> deliveryCount) {
        int count = deliveryCount.map(Short::intValue).orElse(1);
        acquiredByDelivery[Math.max(1, Math.min(MAX_TAGGED, count)) - 1].increment();
    }

    void acknowledged(AcknowledgeType type) {
        switch (type) {
            case ACCEPT -> accepted.increment();
            case RELEASE -> released.increment();
            case RENEW -> renewed.increment();
            case REJECT -> { } // never sent: failures for good are dead-lettered and accepted
        }
    }

    void renewalLost() {
        renewalsLost.increment();
    }

    void releasedOverdue(int count) {
        releasedOverdue.add(count);
    }

    void acknowledgementsFailed(int count) {
        failed.add(count);
    }

    long acquired() {
        long sum = 0;
        for (LongAdder adder : acquiredByDelivery) {
            sum += adder.sum();
        }
        return sum;
    }

    long redelivered() {
        return acquired() - acquiredByDelivery[0].sum();
    }

    long accepted() {
        return accepted.sum();
    }

    long released() {
        return released.sum();
    }

    long renewed() {
        return renewed.sum();
    }
}
