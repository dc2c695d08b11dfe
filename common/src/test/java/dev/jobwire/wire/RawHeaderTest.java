package dev.jobwire.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Headers read in place must say exactly what Kafka's own accessors say, and leave the header as it was. */
class RawHeaderTest {

    @Test
    void theKafkaClientsInUseLetHeadersBeReadInPlace() {
        assertThat(RawHeader.inPlace()).as("RecordHeader's fields are where RawHeader expects them").isTrue();
    }

    /** As the consumer hands headers over: key and value as slices of a larger buffer, not yet decoded. */
    private static RecordHeaders consumed(RecordHeaders written) {
        Header[] all = written.toArray();
        Header[] slices = new Header[all.length];
        for (int i = 0; i < all.length; i++) {
            byte[] key = all[i].key().getBytes(StandardCharsets.UTF_8);
            byte[] value = all[i].value();
            ByteBuffer batch = ByteBuffer.allocate(key.length + (value == null ? 0 : value.length) + 8);
            batch.put(new byte[] {1, 2, 3}).put(key).put(value == null ? new byte[0] : value);
            ByteBuffer keySlice = batch.duplicate().position(3).limit(3 + key.length).slice();
            ByteBuffer valueSlice = value == null ? null
                    : batch.duplicate().position(3 + key.length).limit(3 + key.length + value.length).slice();
            slices[i] = new RecordHeader(keySlice, valueSlice);
        }
        return new RecordHeaders(slices);
    }

    @Test
    void consumedHeadersDecodeToTheSameTaskAndStayReadable() throws Exception {
        TaskMetadata original = new TaskMetadata("id-1", "email.send", "text/plain; charset=utf-8",
                Instant.parse("2026-12-01T10:00:00.123456Z"), Instant.parse("2026-12-01T11:00:00Z"),
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Instant.parse("2026-12-01T10:30:00Z"));
        RecordHeaders written = new RecordHeaders();
        original.writeTo(written);
        written.add("app.origin", "checkout".getBytes(StandardCharsets.UTF_8));
        RecordHeaders consumed = consumed(written);

        assertThat(TaskMetadata.readFrom(consumed)).isEqualTo(original).isEqualTo(TaskMetadata.readFrom(written));
        // Nothing was decoded or moved: Kafka's accessors still give the originals.
        assertThat(consumed.lastHeader("app.origin").value()).asString(StandardCharsets.UTF_8).isEqualTo("checkout");
        assertThat(consumed.lastHeader(TaskHeaders.TASK_TYPE).value()).asString(StandardCharsets.UTF_8).isEqualTo("email.send");
        assertThat(TaskMetadata.readFrom(consumed)).as("and again, once Kafka decoded them").isEqualTo(original);
    }

    @Test
    void consumedHeadersAreRefusedForTheSameReasons() {
        RecordHeaders written = new RecordHeaders();
        new TaskMetadata("id-2", "noop", "application/json", Instant.EPOCH, null, null).writeTo(written);
        written.remove(TaskHeaders.CREATED_AT);
        written.add(TaskHeaders.CREATED_AT, "yesterday".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TaskMetadata.readFrom(consumed(written)))
                .hasMessage("header 'jobwire.created-at' is not an ISO-8601 instant: 'yesterday'");
        written.remove(TaskHeaders.FORMAT);
        written.add(TaskHeaders.FORMAT, "2".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TaskMetadata.readFrom(consumed(written))).hasMessageContaining("unsupported jobwire.format '2'");
    }

    @Test
    void everyTaskOfATypeSharesOneTypeString() throws Exception {
        RecordHeaders first = new RecordHeaders();
        TaskMetadata.create("report.render", null, null, null).writeTo(first);
        RecordHeaders second = new RecordHeaders();
        TaskMetadata.create("report.render", null, null, null).writeTo(second);
        assertThat(TaskMetadata.readFrom(consumed(first)).type()).isSameAs(TaskMetadata.readFrom(consumed(second)).type());
    }
}
