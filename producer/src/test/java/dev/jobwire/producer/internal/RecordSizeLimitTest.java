package dev.jobwire.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class RecordSizeLimitTest {

    /** Compared with the Kafka client's own (internal) estimate: if Kafka changes it, this fails. */
    @Test
    void sizeIsTheKafkaProducersUpperBound() {
        for (int keyLength : new int[] {-1, 0, 63, 64, 8191, 8192}) {
            for (int valueLength : new int[] {-1, 0, 1, 100_000, 1_048_576}) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("jobwire.task-id", "0ae05bdb-2b1c-4d6b-9b7e-1f7b8f0f9a11".getBytes(StandardCharsets.UTF_8));
                headers.add("tenänt", new byte[70]);
                headers.add("empty", null);
                byte[] key = keyLength < 0 ? null : new byte[keyLength];
                byte[] value = valueLength < 0 ? null : new byte[valueLength];
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("t", null, 1L, key, value, headers);
                int kafka = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                        CompressionType.NONE, key, value, headers.toArray());
                assertThat(RecordSizeLimit.sizeOf(record)).as("key %d, value %d", keyLength, valueLength).isEqualTo(kafka);
            }
        }
    }

    @Test
    void limitIsTheSmallerOfMaxRequestSizeAndBufferMemory() {
        assertThat(RecordSizeLimit.of(Map.of()).limit()).isEqualTo(1_048_576);
        assertThat(RecordSizeLimit.of(Map.of("max.request.size", "2000")).limit()).isEqualTo(2000);
        assertThat(RecordSizeLimit.of(Map.of("max.request.size", 5_000_000, "buffer.memory", "3000000")).limit())
                .isEqualTo(3_000_000);
        RecordSizeLimit limit = RecordSizeLimit.of(Map.of("max.request.size", "200"));
        ProducerRecord<byte[], byte[]> small = new ProducerRecord<>("t", new byte[10]);
        ProducerRecord<byte[], byte[]> big = new ProducerRecord<>("t", new byte[150]);
        assertThat(limit.problem(small)).isNull();
        assertThat(limit.problem(big)).isEqualTo("the record would be " + RecordSizeLimit.sizeOf(big)
                + " bytes (payload 150 bytes), over the producer's limit of 200 bytes (max.request.size)");
    }
}
