package dev.jobwire.viewer.audit;

import dev.jobwire.viewer.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit records to the audit topic (key = the job or action id) and waits for the broker's
 * acknowledgement. A record that cannot be written is logged at ERROR with its content: the
 * action happened, losing its audit must be loud. Thread-safe (the producer is).
 */
public final class AuditWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    /** Items per audit record, so no record exceeds the broker's size limit. */
    public static final int ITEMS_PER_RECORD = 200;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String viewer;

    public AuditWriter(Producer<byte[], byte[]> producer, String topic, String viewer) {
        this.producer = producer;
        this.topic = topic;
        this.viewer = viewer;
    }

    /** What every part of one action's audit shares. */
    public record Context(AuditRecord.Action action, String id, String actor, Map<String, Object> selection,
            String targetOverride, String override, Boolean force) {
    }

    /**
     * Writes {@code items} (at most {@link #ITEMS_PER_RECORD}) as part {@code part} of an action.
     *
     * @return whether the broker acknowledged it
     */
    public boolean write(Context c, int part, List<AuditRecord.Item> items) throws InterruptedException {
        int done = (int) items.stream().filter(AuditRecord.Item::succeeded).count();
        int refused = (int) items.stream().filter(i -> AuditRecord.Item.REFUSED.equals(i.outcome())).count();
        AuditRecord record = new AuditRecord(c.action().name(), c.id(), part, c.actor(), viewer, Instant.now(),
                c.selection(), c.targetOverride(), c.override(), c.force(), done, refused, items.size() - done - refused,
                items);
        try {
            producer.send(new ProducerRecord<>(topic, c.id().getBytes(StandardCharsets.UTF_8),
                    Json.MAPPER.writeValueAsBytes(record))).get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.error("Could not write the audit record of {} {} part {} to {}: {}", c.action(), c.id(), part, topic,
                    record, e);
            return false;
        }
    }

    /** Writes {@code items} in parts of {@link #ITEMS_PER_RECORD}, numbered from 0; an empty list writes one empty part. */
    public boolean writeAll(Context c, List<AuditRecord.Item> items) throws InterruptedException {
        boolean ok = true;
        int part = 0;
        for (int i = 0; i < items.size() || i == 0; i += ITEMS_PER_RECORD) {
            ok &= write(c, part++, items.subList(i, Math.min(items.size(), i + ITEMS_PER_RECORD)));
            if (items.isEmpty()) {
                break;
            }
        }
        return ok;
    }
}
