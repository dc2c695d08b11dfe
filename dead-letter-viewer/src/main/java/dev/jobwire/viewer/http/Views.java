package dev.jobwire.viewer.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.viewer.Json;
import dev.jobwire.viewer.index.DeadLetterEntry;
import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.Fingerprint;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.index.Payloads;
import dev.jobwire.viewer.index.SpringDltHeaders;
import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterHeaders;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** The JSON shapes of the API, built from index entries and fetched records. Stateless. */
final class Views {
    private static final int MAX_PAYLOAD_CHARS = 1_000_000;

    private Views() {
    }

    /** One row of the list. */
    record EntryView(String ref, String topic, int partition, long offset, Instant timestamp, String format,
            String taskType, String taskId, String reason, String exceptionClass, String message, Integer attempts,
            String originalTopic, Integer originalPartition, Long originalOffset, String key, int valueSize,
            String decodeError, String group, int replayCount, Mark mark) {
    }

    static EntryView entry(DeadLetterEntry e, MarkStore marks) {
        return new EntryView(e.ref().toString(), e.ref().topic(), e.ref().partition(), e.ref().offset(), e.timestamp(),
                e.format(), e.taskType(), e.taskId(), e.reason(), e.exceptionClass(), e.message(), e.attempts(),
                e.originalTopic(), e.originalPartition(), e.originalOffset(), e.keyPreview(), e.valueSize(),
                e.decodeError(), e.fingerprint(), e.replayCount(), marks.get(e.ref()));
    }

    record GroupView(String id, String exceptionClass, String normalizedMessage, String topFrame, int count,
            Instant firstSeen, Instant lastSeen, Map<String, Integer> taskTypes, Map<String, Integer> topics,
            Map<String, Integer> reasons, EntryView sample, int[] histogram) {
    }

    static GroupView group(DeadLetterIndex.Group g, MarkStore marks) {
        Fingerprint fp = g.fingerprint();
        return new GroupView(g.id(), fp == null ? g.sample().exceptionClass() : fp.exceptionClass(),
                fp == null ? "" : fp.normalizedMessage(), fp == null ? "" : fp.topFrame(), g.count(), g.firstSeen(),
                g.lastSeen(), g.taskTypes(), g.topics(), g.reasons(), entry(g.sample(), marks), g.histogram());
    }

    record HeaderView(String key, String value, boolean binary) {
    }

    /**
     * @param encoding {@code json} (pretty-printed), {@code text}, {@code hex} or {@code none}
     */
    record PayloadView(String encoding, int size, String text) {
    }

    record Detail(EntryView entry, boolean onBroker, PayloadView key, PayloadView value, List<HeaderView> headers,
            List<AttemptFailure> attemptHistory, String stackTrace, String worker, String deadLetteredAt,
            String originalTimestamp, String consumerGroup, Fingerprint fingerprint) {
    }

    static Detail detail(DeadLetterEntry e, ConsumerRecord<byte[], byte[]> r, MarkStore marks, Fingerprint fp) {
        EntryView view = entry(e, marks);
        if (r == null) {
            return new Detail(view, false, null, null, List.of(), List.of(), null, null, null, null, null, fp);
        }
        List<HeaderView> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            String spring = SpringDltHeaders.binaryAsText(h.key(), h.value());
            String text = spring != null ? spring : Payloads.textOrNull(h.value());
            headers.add(text != null ? new HeaderView(h.key(), text, false)
                    : new HeaderView(h.key(), Payloads.hex(h.value()), true));
        }
        List<AttemptFailure> attempts = List.of();
        String stack;
        String worker = null;
        String deadLetteredAt = null;
        String originalTimestamp = null;
        String consumerGroup = null;
        if ("jobwire".equals(e.format())) {
            try {
                DeadLetter dl = DeadLetter.readFrom(r.headers());
                attempts = dl.failures();
                worker = dl.worker();
                deadLetteredAt = dl.deadLetteredAt().toString();
                originalTimestamp = dl.originalTimestamp() == null ? null : dl.originalTimestamp().toString();
            } catch (Exception ignored) {
                // the entry already carries the decode error
            }
            stack = HeaderValues.last(r.headers(), DeadLetterHeaders.STACK_TRACE);
        } else if ("spring".equals(e.format())) {
            stack = SpringDltHeaders.text(r.headers(), SpringDltHeaders.EXCEPTION_STACKTRACE);
            if (stack == null) {
                stack = SpringDltHeaders.text(r.headers(), SpringDltHeaders.KEY_EXCEPTION_STACKTRACE);
            }
            Instant ts = SpringDltHeaders.timestamp(r.headers(), SpringDltHeaders.ORIGINAL_TIMESTAMP);
            originalTimestamp = ts == null ? null : ts.toString();
            consumerGroup = SpringDltHeaders.text(r.headers(), SpringDltHeaders.ORIGINAL_CONSUMER_GROUP);
        } else {
            stack = null;
        }
        String contentType = HeaderValues.last(r.headers(), TaskHeaders.CONTENT_TYPE);
        return new Detail(view, true, payload(r.key(), null), payload(r.value(), contentType), headers, attempts, stack,
                worker, deadLetteredAt, originalTimestamp, consumerGroup, fp);
    }

    static PayloadView payload(byte[] bytes, String contentType) {
        if (bytes == null) {
            return new PayloadView("none", 0, null);
        }
        String text = Payloads.textOrNull(bytes);
        if (text == null) {
            String hex = Payloads.hex(bytes);
            return new PayloadView("hex", bytes.length, hex.length() > MAX_PAYLOAD_CHARS ? hex.substring(0, MAX_PAYLOAD_CHARS) : hex);
        }
        String trimmed = text.strip();
        boolean jsonish = (contentType != null && contentType.contains("json"))
                || trimmed.startsWith("{") || trimmed.startsWith("[");
        if (jsonish && bytes.length <= MAX_PAYLOAD_CHARS) {
            try {
                JsonNode node = Json.MAPPER.readTree(bytes);
                if (node != null && (node.isContainerNode() || contentType != null)) {
                    return new PayloadView("json", bytes.length, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
                }
            } catch (IOException notJson) {
                // shown as text
            }
        }
        return new PayloadView("text", bytes.length, text.length() > MAX_PAYLOAD_CHARS ? text.substring(0, MAX_PAYLOAD_CHARS) : text);
    }
}
