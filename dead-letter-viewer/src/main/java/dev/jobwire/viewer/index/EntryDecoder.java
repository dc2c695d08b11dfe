package dev.jobwire.viewer.index;

import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterHeaders;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
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
 *
 * <p>Free text keeps at most {@code searchChars} characters per dead letter: the key (200), the
 * message (1,000), header values (200 each, a quarter of the budget in all; stack traces and
 * attempt records left out, they repeat the message and would match everything), then the payload's
 * start. Immutable and thread-safe.
 */
public final class EntryDecoder {
    /** What the worker adds when a record's value was too large to dead-letter (value: the original size in bytes). */
    public static final String VALUE_OMITTED = "jobwire.dlt.value-omitted";
    /** Earlier rounds' dead-letter headers, renamed by the worker when a dead letter is dead-lettered again. */
    public static final String PREVIOUS_PREFIX = "jobwire.prev-dlt.";
    /** The default: 4,096 characters per dead letter. */
    public static final EntryDecoder DEFAULT = new EntryDecoder(4_096);

    private static final int MAX_MESSAGE_CHARS = 500;
    private static final int KEY_PREVIEW_CHARS = 200;
    private static final int KEY_SEARCH_CHARS = 200;
    private static final int MESSAGE_SEARCH_CHARS = 1_000;
    private static final int HEADER_SEARCH_CHARS = 200;
    private static final Fingerprint UNDECODABLE = Fingerprint.of("(undecodable dead letter)", "", "");

    private final int searchChars;

    public EntryDecoder(int searchChars) {
        this.searchChars = Math.max(0, searchChars);
    }

    /** An entry and the error group it belongs to. */
    public record Decoded(DeadLetterEntry entry, Fingerprint fingerprint) {
    }

    public Decoded decode(ConsumerRecord<byte[], byte[]> record) {
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

    Decoded decode(DeadLetterRef ref, Instant timestamp, byte[] key, byte[] value, Headers headers) {
        String taskType = HeaderValues.last(headers, TaskHeaders.TASK_TYPE);
        String taskId = HeaderValues.last(headers, TaskHeaders.TASK_ID);
        Extras extras = Extras.of(headers);
        if (headers.lastHeader(DeadLetterHeaders.FORMAT) != null) {
            DeadLetter dl;
            try {
                dl = DeadLetter.readFrom(headers);
            } catch (Exception e) {
                return failed(ref, timestamp, key, value, headers, e.getMessage());
            }
            Fingerprint fp = Fingerprint.of(dl.exceptionClass(), dl.exceptionMessage(), dl.stackTrace());
            return new Decoded(new DeadLetterEntry(ref, timestamp, "jobwire", taskType, taskId, dl.reason().name(),
                    dl.exceptionClass(), cut(dl.exceptionMessage(), MAX_MESSAGE_CHARS), fp.normalizedMessage(),
                    dl.attempts(), dl.originalTopic(), dl.originalPartition(), dl.originalOffset(), keyPreview(key),
                    size(value), extras.valueOmitted, extras.earlierRounds, null, fp.id(), extras.replayCount,
                    extras.replayOf, searchText(key, value, headers, dl.exceptionMessage())), fp);
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
                    cut(nullToEmpty(message), MAX_MESSAGE_CHARS), fp.normalizedMessage(),
                    SpringDltHeaders.intValue(headers, SpringDltHeaders.RETRY_ATTEMPTS),
                    SpringDltHeaders.text(headers, SpringDltHeaders.ORIGINAL_TOPIC),
                    SpringDltHeaders.intValue(headers, SpringDltHeaders.ORIGINAL_PARTITION),
                    SpringDltHeaders.longValue(headers, SpringDltHeaders.ORIGINAL_OFFSET),
                    keyPreview(key), size(value), extras.valueOmitted, extras.earlierRounds, null, fp.id(),
                    extras.replayCount, extras.replayOf, searchText(key, value, headers, message)), fp);
        }
        return failed(ref, timestamp, key, value, headers,
                "no dead-letter headers (neither " + DeadLetterHeaders.FORMAT + " nor " + SpringDltHeaders.ORIGINAL_TOPIC + ")");
    }

    /** Headers the viewer reads whatever the format; each read is guarded so nothing here can fail a decode. */
    private record Extras(ReplayCount replayCount, DeadLetterRef replayOf, Long valueOmitted, int earlierRounds) {
        static Extras of(Headers headers) {
            ReplayCount count = ReplayCount.of(headers);
            DeadLetterRef replayOf = null;
            Long omitted = null;
            int rounds = 0;
            try {
                String of = HeaderValues.last(headers, TaskHeaders.REPLAY_OF);
                replayOf = of == null ? null : DeadLetterRef.parse(of.trim());
            } catch (RuntimeException e) {
                replayOf = null; // not a reference: shown raw in the detail's headers
            }
            try {
                String size = HeaderValues.last(headers, VALUE_OMITTED);
                omitted = size == null ? null : Long.parseLong(size.trim());
            } catch (RuntimeException e) {
                omitted = -1L; // present but unreadable: still "omitted"
            }
            int formats = 0;
            int reasons = 0;
            for (Header h : headers) {
                if (h.key().equals(PREVIOUS_PREFIX + "format")) {
                    formats++;
                } else if (h.key().equals(PREVIOUS_PREFIX + "reason")) {
                    reasons++;
                }
            }
            rounds = Math.max(formats, reasons);
            return new Extras(count, replayOf, omitted, rounds);
        }
    }

    private Decoded failed(DeadLetterRef ref, Instant timestamp, byte[] key, byte[] value, Headers headers, String error) {
        String message = error == null ? "cannot decode" : error;
        // The header values (and so the reason for the error) differ per record; group them all as one.
        Fingerprint fp = UNDECODABLE;
        String taskType = safeLast(headers, TaskHeaders.TASK_TYPE);
        String originalTopic = safeLast(headers, DeadLetterHeaders.ORIGINAL_TOPIC);
        Extras extras;
        try {
            extras = Extras.of(headers);
        } catch (RuntimeException e) {
            extras = new Extras(new ReplayCount(0, true, "(unreadable)"), null, null, 0);
        }
        return new Decoded(new DeadLetterEntry(ref, timestamp, "unknown", taskType, safeLast(headers, TaskHeaders.TASK_ID),
                null, "", "", "", null, originalTopic, null, null, keyPreview(key), size(value), extras.valueOmitted,
                extras.earlierRounds, message, fp.id(), extras.replayCount, extras.replayOf,
                safeSearchText(key, value, headers, message)), fp);
    }

    private String searchText(byte[] key, byte[] value, Headers headers, String message) {
        if (searchChars == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(searchChars, 1_024));
        appendBytes(sb, key, Math.min(KEY_SEARCH_CHARS, searchChars));
        sb.append('\n');
        if (message != null) {
            sb.append(message, 0, Math.min(message.length(), Math.min(MESSAGE_SEARCH_CHARS, room(sb))));
        }
        int headerLimit = sb.length() + searchChars / 4;
        for (Header h : headers) {
            if (sb.length() >= Math.min(headerLimit, searchChars)) {
                break;
            }
            if (h.value() == null || !searchable(h.key())) {
                continue;
            }
            sb.append('\n');
            appendBytes(sb, h.value(), Math.min(HEADER_SEARCH_CHARS, Math.min(headerLimit, searchChars) - sb.length()));
        }
        sb.append('\n');
        appendBytes(sb, value, room(sb));
        String text = sb.length() > searchChars ? sb.substring(0, searchChars) : sb.toString();
        return text.toLowerCase(Locale.ROOT);
    }

    private int room(StringBuilder sb) {
        return Math.max(0, searchChars - sb.length());
    }

    /** Stack traces and attempt records repeat the message and are large; they are shown in the detail. */
    private static boolean searchable(String key) {
        return !(key.equals(DeadLetterHeaders.STACK_TRACE) || key.equals(DeadLetterHeaders.ATTEMPT)
                || key.equals(DeadLetterHeaders.EXCEPTION_MESSAGE)
                || key.equals(PREVIOUS_PREFIX + "stack-trace") || key.equals(PREVIOUS_PREFIX + "attempt")
                || key.equals(SpringDltHeaders.EXCEPTION_STACKTRACE) || key.equals(SpringDltHeaders.EXCEPTION_MESSAGE)
                || key.equals(SpringDltHeaders.KEY_EXCEPTION_STACKTRACE));
    }

    private String safeSearchText(byte[] key, byte[] value, Headers headers, String message) {
        try {
            return searchText(key, value, headers, message);
        } catch (RuntimeException e) {
            return message.toLowerCase(Locale.ROOT);
        }
    }

    private static void appendBytes(StringBuilder sb, byte[] bytes, int max) {
        if (bytes == null || max <= 0) {
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
