package dev.jobwire.worker.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterHeaders;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.RetryHeaders;
import dev.jobwire.worker.admission.Lane;
import dev.jobwire.worker.admission.TestItems;
import dev.jobwire.worker.admission.WorkItem;
import dev.jobwire.worker.completion.AcknowledgedWrites;
import dev.jobwire.worker.completion.WriteHealth;
import dev.jobwire.worker.source.Settlement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Dead letters too large for their topic: shortened first, then written without the value. */
class DeadLetterWriterTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int VALUE_SIZE = 10_000;

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final DeadLetterWriter writer = new DeadLetterWriter(
            new AcknowledgedWrites(producer, new WriteHealth(), Duration.ofMillis(10), Duration.ofMillis(50)));
    private final TestItems items = new TestItems();
    private final Lane lane = new Lane("tasks-3");
    private final AtomicInteger onWritten = new AtomicInteger();

    @Test
    void aDeadLetterTooLargeIsShortenedThenWrittenWithoutItsValueKeepingKeyAndHeaders() {
        WorkItem item = failedTask();
        writer.write(item, deadLetter(), onWritten::incrementAndGet);

        ProducerRecord<byte[], byte[]> full = awaitSend(1);
        assertThat(full.topic()).isEqualTo("tasks.dlt");
        assertThat(full.value()).hasSize(VALUE_SIZE);
        assertThat(text(full, DeadLetterHeaders.STACK_TRACE)).hasSize(10_000);
        assertThat(producer.errorNext(new RecordTooLargeException("injected: over max.request.size"))).isTrue();

        ProducerRecord<byte[], byte[]> shortened = awaitSend(2);
        assertThat(shortened.value()).as("shortened, value kept").hasSize(VALUE_SIZE);
        assertThat(text(shortened, DeadLetterHeaders.STACK_TRACE)).hasSizeLessThanOrEqualTo(1_025);
        assertThat(text(shortened, DeadLetterHeaders.EXCEPTION_MESSAGE)).hasSizeLessThanOrEqualTo(201);
        assertThat(shortened.headers().lastHeader(DeadLetterHeaders.VALUE_OMITTED)).isNull();
        assertThat(items.settled()).isEmpty();
        assertThat(producer.errorNext(new RecordTooLargeException("injected: over the topic's max.message.bytes"))).isTrue();

        ProducerRecord<byte[], byte[]> marker = awaitSend(3);
        assertThat(marker.value()).isEmpty();
        assertThat(text(marker, DeadLetterHeaders.VALUE_OMITTED)).isEqualTo(Integer.toString(VALUE_SIZE));
        assertThat(marker.key()).isEqualTo("order-17".getBytes(StandardCharsets.UTF_8));
        assertThat(text(marker, "trace-id")).isEqualTo("abc-123");
        assertThat(text(marker, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo("tasks");
        assertThat(text(marker, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("3");
        assertThat(text(marker, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("17");
        assertThat(text(marker, DeadLetterHeaders.REASON)).isEqualTo("RETRIES_EXHAUSTED");
        assertThat(text(marker, DeadLetterHeaders.STACK_TRACE)).hasSizeLessThanOrEqualTo(1_025);
        for (ProducerRecord<byte[], byte[]> sent : List.of(full, shortened, marker)) {
            assertThat(Arrays.stream(sent.headers().toArray()).map(Header::key))
                    .as("a retry round's bookkeeping is not carried into the dead letter")
                    .noneMatch(key -> key.startsWith(RetryHeaders.PREFIX));
        }
        assertThat(producer.completeNext()).isTrue();

        await().atMost(PATIENCE).until(() -> items.settled().containsKey(17L));
        assertThat(items.settled()).containsEntry(17L, Settlement.DEAD_LETTERED);
        assertThat(onWritten.get()).isEqualTo(1);
        assertThat(producer.history()).hasSize(3);
        assertThat(item.record().value()).as("the original record is never modified").hasSize(VALUE_SIZE);
        assertThat(item.record().headers().lastHeader(RetryHeaders.ATTEMPTS)).isNotNull();
    }

    @Test
    void aDeadLetterThatFitsInNoFormStaysUnfinishedUntilItsLaneIsGivenUp() {
        WorkItem item = failedTask();
        writer.write(item, deadLetter(), onWritten::incrementAndGet);
        for (int sends = 1; sends <= 3; sends++) {
            awaitSend(sends);
            assertThat(producer.errorNext(new RecordTooLargeException("injected"))).isTrue();
        }
        await().atMost(PATIENCE).until(() -> producer.history().size() == 3 && lane.writes().count() == 1);
        assertThat(items.settled()).as("its offset is not committed: the dead letter was not written").isEmpty();

        lane.cancel();
        lane.writes().interruptAll();

        await().atMost(PATIENCE).until(() -> items.settled().containsKey(17L));
        assertThat(items.settled()).containsEntry(17L, Settlement.CANCELLED);
        assertThat(onWritten.get()).isZero();
        assertThat(producer.history()).hasSize(3);
        await().atMost(PATIENCE).until(() -> lane.writes().count() == 0);
    }

    private ProducerRecord<byte[], byte[]> awaitSend(int count) {
        await().atMost(PATIENCE).until(() -> producer.history().size() >= count);
        return producer.history().get(count - 1);
    }

    /** A failed task of a second retry round: its record carries the earlier round's {@code jobwire.retry.*} headers. */
    private WorkItem failedTask() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "abc-123".getBytes(StandardCharsets.UTF_8));
        headers.add(RetryHeaders.ATTEMPTS, "3".getBytes(StandardCharsets.UTF_8));
        headers.add(RetryHeaders.ORIGINAL_OFFSET, "5".getBytes(StandardCharsets.UTF_8));
        byte[] value = new byte[VALUE_SIZE];
        Arrays.fill(value, (byte) 'x');
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("tasks", 3, 17, 1_700_000_000_000L,
                TimestampType.CREATE_TIME, 8, VALUE_SIZE, "order-17".getBytes(StandardCharsets.UTF_8), value, headers,
                Optional.empty());
        return new WorkItem(record, lane, null, items);
    }

    private static DeadLetter deadLetter() {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        return new DeadLetter("tasks", 3, 17, Instant.ofEpochMilli(1_700_000_000_000L), DeadLetterReason.RETRIES_EXHAUSTED,
                4, List.of(new AttemptFailure(4, at, "java.io.IOException", "m".repeat(5_000))), "java.io.IOException",
                "boom ".repeat(1_000), "s".repeat(10_000), "worker-1", at);
    }

    private static String text(ProducerRecord<byte[], byte[]> record, String header) {
        Header last = record.headers().lastHeader(header);
        assertThat(last).as("header %s", header).isNotNull();
        return new String(last.value(), StandardCharsets.UTF_8);
    }
}
