package dev.jobwire.producer.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.header.Header;

/**
 * The largest record the Kafka producer takes ({@code max.request.size}, and {@code buffer.memory}
 * when that is smaller), and the size the producer reckons a record at before sending it: the upper
 * bound of a record batch holding only that record (format v2: a 61-byte batch header, at most 21
 * bytes of per-record fields, then key, value and headers with their varint lengths). A record this
 * class accepts passes the producer's own check; the broker's or topic's limit may still be lower.
 * Immutable, thread-safe.
 */
public final class RecordSizeLimit {
    private static final int BATCH_OVERHEAD = 61;
    private static final int MAX_RECORD_OVERHEAD = 21;
    /** Length of a null key, value or header value: varint(-1). */
    private static final int NULL_SIZE = 1;

    private final int limit;
    private final String setting;

    private RecordSizeLimit(int limit, String setting) {
        this.limit = limit;
        this.setting = setting;
    }

    /** The limit of a producer configured with {@code producerProperties} (Kafka's defaults where unset). */
    public static RecordSizeLimit of(Map<String, Object> producerProperties) {
        Map<String, Object> defaults = ProducerConfig.configDef().defaultValues();
        int maxRequest = (Integer) ConfigDef.parseType(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                producerProperties.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        defaults.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)), ConfigDef.Type.INT);
        long bufferMemory = (Long) ConfigDef.parseType(ProducerConfig.BUFFER_MEMORY_CONFIG,
                producerProperties.getOrDefault(ProducerConfig.BUFFER_MEMORY_CONFIG,
                        defaults.get(ProducerConfig.BUFFER_MEMORY_CONFIG)), ConfigDef.Type.LONG);
        return bufferMemory < maxRequest
                ? new RecordSizeLimit((int) bufferMemory, ProducerConfig.BUFFER_MEMORY_CONFIG)
                : new RecordSizeLimit(maxRequest, ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }

    public int limit() {
        return limit;
    }

    /** Null when the producer will take {@code record}, otherwise why not. */
    public String problem(ProducerRecord<byte[], byte[]> record) {
        int size = sizeOf(record);
        if (size <= limit) {
            return null;
        }
        int payload = record.value() == null ? 0 : record.value().length;
        return "the record would be " + size + " bytes (payload " + payload + " bytes), over the producer's limit of "
                + limit + " bytes (" + setting + ")";
    }

    /** The producer's upper-bound estimate of {@code record}'s size in bytes. */
    public static int sizeOf(ProducerRecord<byte[], byte[]> record) {
        long size = BATCH_OVERHEAD + MAX_RECORD_OVERHEAD + sizeOf(record.key()) + sizeOf(record.value());
        Header[] headers = record.headers().toArray();
        size += varintSize(headers.length);
        for (Header header : headers) {
            int keyLength = header.key().getBytes(StandardCharsets.UTF_8).length;
            size += varintSize(keyLength) + keyLength + sizeOf(header.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static int sizeOf(byte[] bytes) {
        return bytes == null ? NULL_SIZE : varintSize(bytes.length) + bytes.length;
    }

    /** Bytes of {@code value} as a zig-zag varint, as Kafka writes lengths. */
    static int varintSize(int value) {
        int zigZag = (value << 1) ^ (value >> 31);
        int bytes = 1;
        while ((zigZag & 0xffffff80) != 0) {
            zigZag >>>= 7;
            bytes++;
        }
        return bytes;
    }
}
