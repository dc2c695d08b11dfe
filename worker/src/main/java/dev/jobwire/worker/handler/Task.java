package dev.jobwire.worker.handler;

import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TaskMetadata;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One task as a handler sees it. The payload array must not be modified. The key text and the
 * other headers are decoded when a handler first asks for them: most handlers never do, and every
 * task would otherwise pay for them.
 *
 * <p>Thread-safe for reading (the lazily decoded values are immutable and may be decoded twice
 * under a race, harmlessly).
 */
public final class Task {
    private final TaskMetadata metadata;
    private final byte[] keyBytes;
    private final byte[] payload;
    private final Iterable<Header> rawHeaders;
    private final String topic;
    private final int partition;
    private final long offset;
    private volatile String key;
    private volatile Map<String, String> headers;

    /**
     * @param metadata  id, type, content type, created-at, deadline and trace context
     * @param key       the record key as UTF-8 text, or null
     * @param payload   the record value, opaque bytes (JSON by default)
     * @param headers   the record's other headers (last value of each)
     * @param topic     where the task came from
     * @param partition its partition
     * @param offset    its offset
     */
    public Task(TaskMetadata metadata, String key, byte[] payload, Map<String, String> headers, String topic, int partition,
            long offset) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.keyBytes = null;
        this.key = key;
        this.payload = payload == null ? new byte[0] : payload;
        this.rawHeaders = null;
        this.headers = Map.copyOf(headers);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    private Task(TaskMetadata metadata, ConsumerRecord<byte[], byte[]> record) {
        this.metadata = metadata;
        this.keyBytes = record.key();
        this.payload = record.value() == null ? new byte[0] : record.value();
        this.rawHeaders = record.headers();
        this.topic = record.topic();
        this.partition = record.partition();
        this.offset = record.offset();
    }

    /** The task a record holds, its metadata already decoded. */
    public static Task of(TaskMetadata metadata, ConsumerRecord<byte[], byte[]> record) {
        return new Task(metadata, record);
    }

    public TaskMetadata metadata() {
        return metadata;
    }

    public String id() {
        return metadata.id();
    }

    public String type() {
        return metadata.type();
    }

    /** The record key as UTF-8 text, or null. */
    public String key() {
        String text = key;
        if (text == null && keyBytes != null) {
            text = new String(keyBytes, StandardCharsets.UTF_8);
            key = text;
        }
        return text;
    }

    /** The record value, opaque bytes (JSON by default); do not modify it. */
    public byte[] payload() {
        return payload;
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The record's headers other than Jobwire's own (last value of each), UTF-8 decoded. */
    public Map<String, String> headers() {
        Map<String, String> decoded = headers;
        if (decoded == null) {
            decoded = decode(rawHeaders);
            headers = decoded;
        }
        return decoded;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    private static Map<String, String> decode(Iterable<Header> raw) {
        Map<String, String> decoded = new HashMap<>();
        for (Header header : raw) {
            if (!header.key().startsWith(TaskHeaders.RESERVED_PREFIX) && header.value() != null) {
                decoded.put(header.key(), HeaderValues.string(header));
            }
        }
        return Map.copyOf(decoded);
    }

    @Override
    public String toString() {
        return "Task[" + metadata.type() + " " + metadata.id() + " at " + topic + "-" + partition + "@" + offset + "]";
    }
}
