package dev.jobwire.worker.source.share;

import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.source.Settlement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records this worker holds under a share-group lock, and what it owes the consumer for each
 * before the next poll. Pure bookkeeping: every acknowledgement goes through the
 * {@link Acknowledger}, so the rules are unit-testable without a broker.
 *
 * <p>Glossary. A record is <em>held</em> from the poll that returned it until it is acknowledged
 * or renewed: {@code KafkaShareConsumer} (explicit mode) refuses to poll while any record of its
 * last poll is held, and only records of its last poll can be acknowledged. A record is
 * <em>renewing</em> after {@link AcknowledgeType#RENEW} until a later poll returns it again (then
 * it is held again, its lock restarted); meanwhile it cannot be acknowledged, and the consumer
 * fetches no new records. A record is <em>settled</em> when the worker is done with it
 * ({@link Settlement}): a held one is acknowledged at once, a renewing one when it comes back.
 *
 * <p>So the loop that owns this: acknowledges what settled, renews what still runs when its lock
 * is half gone (all held records came from one poll, so they share one lock start), releases what
 * has run for longer than the worker allows, and polls only when nothing is held.
 *
 * <p>Not thread-safe: the share source's poll thread owns it.
 */
final class Deliveries {
    /** Where acknowledgements go: the consumer, in production. */
    @FunctionalInterface
    interface Acknowledger {
        void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type);
    }

    private record Key(String topic, int partition, long offset) {
        static Key of(ConsumerRecord<?, ?> record) {
            return new Key(record.topic(), record.partition(), record.offset());
        }
    }

    private static final class Delivery {
        final WorkItem item;
        final long receivedNanos;
        boolean renewing;
        /** Settled while renewing: acknowledged when it comes back. */
        Settlement settled;

        Delivery(WorkItem item, long receivedNanos) {
            this.item = item;
            this.receivedNanos = receivedNanos;
        }
    }

    private final Acknowledger acknowledger;
    private final Map<Key, Delivery> deliveries = new LinkedHashMap<>(); // in the order received
    private int held;
    private int renewing;
    /** When the last poll that returned records returned (the lock start of every held record). */
    private long heldSinceNanos;

    Deliveries(Acknowledger acknowledger) {
        this.acknowledger = acknowledger;
    }

    /** How the worker's outcome is told to the share group. */
    static AcknowledgeType acknowledgeTypeOf(Settlement how) {
        // A retry never goes back as RELEASE (that would redeliver at once, without backoff): the
        // worker retries in place or hands the task to its delay topic, then it is HANDED_OFF.
        return how == Settlement.CANCELLED ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT;
    }

    /** A poll returned records (call before {@link #received} for each). */
    void polled(long nowNanos) {
        heldSinceNanos = nowNanos;
    }

    /**
     * A record the last poll returned. A new one is wrapped by {@code newItem} and returned, to be
     * handed to admission. One coming back from a renewal is held again and returns null (it is
     * running already); if it settled meanwhile, it is acknowledged now.
     */
    WorkItem received(ConsumerRecord<byte[], byte[]> record, long nowNanos,
            Function<ConsumerRecord<byte[], byte[]>, WorkItem> newItem) {
        Key key = Key.of(record);
        Delivery known = deliveries.get(key);
        if (known != null && known.renewing) {
            known.renewing = false;
            renewing--;
            if (known.settled != null) {
                deliveries.remove(key);
                acknowledger.acknowledge(known.item.record(), acknowledgeTypeOf(known.settled));
            } else {
                held++;
            }
            return null;
        }
        if (known != null) {
            // Delivered anew while an earlier delivery of it still looked held: that one's lock is
            // gone (the consumer cannot hand out a record it still holds). Its late settlement is stale.
            forget(key, known);
        }
        WorkItem item = newItem.apply(record);
        deliveries.put(key, new Delivery(item, nowNanos));
        held++;
        return item;
    }

    /**
     * The worker is done with {@code item}. Returns whether it was acknowledged now (false when it
     * is renewing and will be acknowledged on its return, or is no longer held by this worker).
     */
    boolean settled(WorkItem item, Settlement how) {
        Key key = Key.of(item.record());
        Delivery delivery = deliveries.get(key);
        if (delivery == null || delivery.item != item) {
            return false; // its lock was released or lost; another delivery may own the key now
        }
        if (delivery.renewing) {
            delivery.settled = how;
            return false;
        }
        deliveries.remove(key);
        held--;
        acknowledger.acknowledge(item.record(), acknowledgeTypeOf(how));
        return true;
    }

    /** When the held records were returned by their poll: their lock's start, about. */
    long heldSinceNanos() {
        return heldSinceNanos;
    }

    /** Whether the held records' lock is at least {@code renewAfterNanos} old. */
    boolean renewalDue(long nowNanos, long renewAfterNanos) {
        return held > 0 && nowNanos - heldSinceNanos >= renewAfterNanos;
    }

    /** Renews the lock of every held record; returns how many. */
    int renewHeld() {
        int renewed = 0;
        for (Delivery delivery : deliveries.values()) {
            if (!delivery.renewing) {
                acknowledger.acknowledge(delivery.item.record(), AcknowledgeType.RENEW);
                delivery.renewing = true;
                renewed++;
            }
        }
        held -= renewed;
        renewing += renewed;
        return renewed;
    }

    /**
     * Releases the held records received at or before {@code receivedBeforeNanos} (running for
     * longer than the worker allows: a hung handler), so that the group can deliver them again and
     * this worker can poll. Their later settlement changes nothing. Returns them.
     */
    List<WorkItem> releaseHeldReceivedBefore(long receivedBeforeNanos) {
        List<WorkItem> released = new ArrayList<>();
        Iterator<Map.Entry<Key, Delivery>> it = deliveries.entrySet().iterator();
        while (it.hasNext()) {
            Delivery delivery = it.next().getValue();
            if (!delivery.renewing && delivery.receivedNanos - receivedBeforeNanos <= 0) {
                it.remove();
                held--;
                acknowledger.acknowledge(delivery.item.record(), AcknowledgeType.RELEASE);
                released.add(delivery.item);
            }
        }
        return released;
    }

    /** Releases every held record (shutdown, once nothing more will settle). Returns how many. */
    int releaseHeld() {
        return releaseHeldReceivedBefore(Long.MAX_VALUE).size();
    }

    /**
     * The broker refused an acknowledgement of the record at {@code offset}. A renewal refused
     * means the lock is gone: the record is forgotten (the consumer will not return it) and its
     * settlement will be stale. Returns whether it was a renewal.
     */
    boolean acknowledgementFailed(String topic, int partition, long offset) {
        Key key = new Key(topic, partition, offset);
        Delivery delivery = deliveries.get(key);
        if (delivery != null && delivery.renewing) {
            forget(key, delivery);
            return true;
        }
        return false;
    }

    private void forget(Key key, Delivery delivery) {
        deliveries.remove(key);
        if (delivery.renewing) {
            renewing--;
        } else {
            held--;
        }
    }

    /** Nothing is held: the consumer may poll. */
    boolean mayPoll() {
        return held == 0;
    }

    /** Records held now: each must be acknowledged or renewed before the next poll. */
    int held() {
        return held;
    }

    /** Records whose renewal has not come back yet; while any is, the consumer fetches no new records. */
    int renewing() {
        return renewing;
    }

    /** Records under this worker's lock (held or renewing). */
    int size() {
        return deliveries.size();
    }

    /** When the oldest record under this worker's lock was first received ({@link System#nanoTime()}), or {@code none}. */
    long oldestReceivedNanos(long none) {
        long oldest = none;
        boolean any = false;
        for (Delivery delivery : deliveries.values()) {
            if (!any || delivery.receivedNanos - oldest < 0) {
                oldest = delivery.receivedNanos;
                any = true;
            }
        }
        return oldest;
    }
}
