package dev.jobwire.viewer.index;

import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterHeaders;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TaskMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns a record from a dead-letter topic into a {@link DeadLetterEntry}. Reads Jobwire's
 * {@code jobwire.dlt.*} headers, else Spring Kafka's {@code kafka_dlt-*} headers. Never throws: a
 * record that cannot be decoded becomes an entry with a {@code decodeError}, so it is still listed.
 * Stateless and thread-safe.
 */
public final class EntryDecoder {
    /** Free text searches at most this many characters of each dead letter. */
    public static final int MAX_SEARCH_CHARS = 16_384;
    private static final int MAX_PAYLOAD_SEARCH_CHARS = 8_192;
    private static final int MAX_MESSAGE_CHARS = 2_000;
    private static final int KEY_PREVIEW_CHARS = 200;

    private EntryDecoder() {
    }

    /** An entry and the error group it belongs to. */
    public record Decoded(DeadLetterEntry entry, Fingerprint fingerprint) {
    }

    private static final Fingerprint UNDECODABLE = Fingerprint.of("(undecodable dead letter)", "", "");

    public static Decoded decode(ConsumerRecord<byte[], byte[]> record) {
        DeadLetterRef ref = new DeadLetterRef(record.topic(), record.partition(), record.offset());
        Instant timestamp = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : Instant.EPOCH;
        try {
            return decode(ref, timestamp, record.key(), record.value(), record.headers());
        } catch (RuntimeException e) {
            // Belt and braces: a bug in decoding must not stop the reader or hide the record.
            return failed(ref, timestamp, record.key(), record.value(), record.headers(),
                    "cannot decode: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static Decoded decode(DeadLetterRef ref, Instant timestamp, byte[] key, byte[] value, Headers headers) {
        String taskType = HeaderValues.last(headers, TaskHeaders.TASK_TYPE);
        String taskId = HeaderValues.last(headers, TaskHeaders.TASK_ID);
        int replayCount = TaskMetadata.replayCount(headers);
        if (headers.lastHeader(DeadLetterHeaders.FORMAT) != null) {
            DeadLetter dl;
            try {
                dl = DeadLetter.readFrom(headers);
            } catch (Exception e) {
                return failed(ref, timestamp, key, value, headers, e.getMessage());
            }
            Fingerprint fp = Fingerprint.of(dl.exceptionClass(), dl.exceptionMessage(), dl.stackTrace());
            return new Decoded(new DeadLetterEntry(ref, timestamp, "jobwire", taskType, taskId, dl.reason().name(),
                    dl.exceptionClass(), cut(dl.exceptionMessage(), MAX_MESSAGE_CHARS), dl.attempts(),
                    dl.originalTopic(), dl.originalPartition(), dl.originalOffset(), keyPreview(key), size(value),
                    null, fp.id(), replayCount, searchText(key, value, headers, dl.exceptionMessage())), fp);
        }
        if (SpringDltHeaders.present(headers)) {
            String cls = SpringDltHeaders.text(headers, SpringDltHeaders.EXCEPTION_FQCN);
            String message = SpringDltHeaders.text(headers, SpringDltHeaders.EXCEPTION_MESSAGE);
            String stack = SpringDltHeaders.text(headers, SpringDltHeaders.EXCEPTION_STACKTRACE);
            if (cls == null) { // the key could not be deserialised
                cls = SpringDltHeaders.text(headers, SpringDltHeaders.KEY_EXCEPTION_FQCN);
                message = SpringDltHeaders.text(headers, SpringDltHeaders.KEY_EXCEPTION_MESSAGE);
                stack = SpringDltHeaders.text(headers, SpringDltHeaders.KEY_EXCEPTION_STACKTRACE);
            }
            Fingerprint fp = Fingerprint.of(cls, message, stack);
            return new Decoded(new DeadLetterEntry(ref, timestamp, "spring", taskType, taskId, null, nullToEmpty(cls),
                    cut(nullToEmpty(message), MAX_MESSAGE_CHARS),
                    SpringDltHeaders.intValue(headers, SpringDltHeaders.RETRY_ATTEMPTS),
                    SpringDltHeaders.text(headers, SpringDltHeaders.ORIGINAL_TOPIC),
                    SpringDltHeaders.intValue(headers, SpringDltHeaders.ORIGINAL_PARTITION),
                    SpringDltHeaders.longValue(headers, SpringDltHeaders.ORIGINAL_OFFSET),
                    keyPreview(key), size(value), null, fp.id(), replayCount,
                    searchText(key, value, headers, message)), fp);
        }
        return failed(ref, timestamp, key, value, headers,
                "no dead-letter headers (neither " + DeadLetterHeaders.FORMAT + " nor " + SpringDltHeaders.ORIGINAL_TOPIC + ")");
    }

    private static Decoded failed(DeadLetterRef ref, Instant timestamp, byte[] key, byte[] value, Headers headers,
            String error) {
        String message = error == null ? "cannot decode" : error;
        // The header values (and so the reason for the error) differ per record; group them all as one.
        Fingerprint fp = UNDECODABLE;
        String taskType = safeLast(headers, TaskHeaders.TASK_TYPE);
        String originalTopic = safeLast(headers, DeadLetterHeaders.ORIGINAL_TOPIC);
        return new Decoded(new DeadLetterEntry(ref, timestamp, "unknown", taskType, safeLast(headers, TaskHeaders.TASK_ID), null,
                "", "", null, originalTopic, null, null, keyPreview(key), size(value), message, fp.id(),
                safeReplayCount(headers), safeSearchText(key, value, headers, message)), fp);
    }

    private static String searchText(byte[] key, byte[] value, Headers headers, String message) {
        StringBuilder sb = new StringBuilder(512);
        appendBytes(sb, key, 1_000);
        sb.append('\n');
        appendBytes(sb, value, MAX_PAYLOAD_SEARCH_CHARS);
        sb.append('\n').append(message == null ? "" : message);
        for (Header h : headers) {
            if (sb.length() >= MAX_SEARCH_CHARS) {
                break;
            }
            String k = h.key();
            if (k.equals(DeadLetterHeaders.STACK_TRACE) || k.equals(SpringDltHeaders.EXCEPTION_STACKTRACE)
                    || k.equals(SpringDltHeaders.KEY_EXCEPTION_STACKTRACE) || h.value() == null) {
                continue; // stack traces are large and would match everything; they are shown in the detail
            }
            sb.append('\n');
            appendBytes(sb, h.value(), 2_000);
        }
        String text = sb.length() > MAX_SEARCH_CHARS ? sb.substring(0, MAX_SEARCH_CHARS) : sb.toString();
        return text.toLowerCase(Locale.ROOT);
    }

    private static String safeSearchText(byte[] key, byte[] value, Headers headers, String message) {
        try {
            return searchText(key, value, headers, message);
        } catch (RuntimeException e) {
            return message.toLowerCase(Locale.ROOT);
        }
    }

    private static void appendBytes(StringBuilder sb, byte[] bytes, int max) {
        if (bytes == null) {
            return;
        }
        String text = new String(bytes, 0, Math.min(bytes.length, max * 4), StandardCharsets.UTF_8);
        sb.append(text, 0, Math.min(text.length(), max));
    }

    private static String keyPreview(byte[] key) {
        return Payloads.preview(key, KEY_PREVIEW_CHARS);
    }

    private static String safeLast(Headers headers, String key) {
        try {
            return HeaderValues.last(headers, key);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int safeReplayCount(Headers headers) {
        try {
            return TaskMetadata.replayCount(headers);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static int size(byte[] value) {
        return value == null ? 0 : value.length;
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "…" : s;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
