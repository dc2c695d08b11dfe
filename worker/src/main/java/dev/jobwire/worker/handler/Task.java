package dev.jobwire.worker.handler;

import dev.jobwire.wire.TaskMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One task as a handler sees it. Immutable; the payload array must not be modified.
 *
 * @param metadata  id, type, content type, created-at, deadline and trace context
 * @param key       the record key as UTF-8 text, or null
 * @param payload   the record value, opaque bytes (JSON by default)
 * @param headers   the record's other headers (last value of each), UTF-8 decoded
 * @param topic     where the task came from
 * @param partition its partition
 * @param offset    its offset
 */
public record Task(TaskMetadata metadata, String key, byte[] payload, Map<String, String> headers,
        String topic, int partition, long offset) {

    public Task {
        headers = Map.copyOf(headers);
        payload = payload == null ? new byte[0] : payload;
    }

    public String id() {
        return metadata.id();
    }

    public String type() {
        return metadata.type();
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
