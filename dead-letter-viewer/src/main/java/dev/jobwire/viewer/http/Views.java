package dev.jobwire.viewer.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.viewer.Json;
import dev.jobwire.viewer.index.DeadLetterEntry;
import dev.jobwire.viewer.index.EntryDecoder;
import dev.jobwire.viewer.index.Fingerprint;
import dev.jobwire.viewer.index.Grouping;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.index.Payloads;
import dev.jobwire.viewer.index.ReplayOutcomes;
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

    /**
     * One row of the list.
     *
     * @param replayCountMalformed the record's {@code jobwire.replay-count} is not a valid count
     * @param outcome              for a replayed dead letter, whether the replay worked; else null
     */
    record EntryView(String ref, String topic, int partition, long offset, Instant timestamp, String format,
            String taskType, String taskId, String reason, String exceptionClass, String message, Integer attempts,
            String originalTopic, Integer originalPartition, Long originalOffset, String key, int valueSize,
            Long valueOmittedBytes, int earlierRounds, String decodeError, String group, int replayCount,
            boolean replayCountMalformed, String replayOf, Mark mark, ReplayOutcomes.Outcome outcome) {
    }

    static EntryView entry(DeadLetterEntry e, MarkStore marks, ReplayOutcomes outcomes) {
        Mark mark = marks.get(e.ref());
        return new EntryView(e.ref().toString(), e.ref().topic(), e.ref().partition(), e.ref().offset(), e.timestamp(),
                e.format(), e.taskType(), e.taskId(), e.reason(), e.exceptionClass(), e.message(), e.attempts(),
                e.originalTopic(), e.originalPartition(), e.originalOffset(), e.keyPreview(), e.valueSize(),
                e.valueOmittedBytes(), e.earlierRounds(), e.decodeError(), e.fingerprint(), e.replayCount().value(),
                e.replayCount().malformed(), e.replayOf() == null ? null : e.replayOf().toString(), mark,
                outcomes.of(e.ref(), mark));
    }

    /** Field order kept as before ({@code bin/demo} reads exceptionClass, normalizedMessage, topFrame, count in a row). */
    record GroupView(String id, String exceptionClass, String normalizedMessage, String topFrame, int count,
            List<String> topFrames, int open, int replayed, int resolved, Instant firstSeen, Instant lastSeen,
            Map<String, Integer> taskTypes, Map<String, Integer> topics, Map<String, Integer> reasons,
            Map<String, Integer> messages, EntryView sample, int[] histogram) {
    }

    static GroupView group(Grouping.Group g, MarkStore marks, ReplayOutcomes outcomes) {
        Fingerprint fp = g.fingerprint();
        return new GroupView(g.id(), fp == null ? g.sample().exceptionClass() : fp.exceptionClass(),
                g.sample().normalizedMessage(), fp == null ? "" : fp.topFrame(), g.count(),
                fp == null ? List.of() : fp.topFrames(), g.open(), g.replayed(), g.resolved(), g.firstSeen(), g.lastSeen(), g.taskTypes(), g.topics(),
                g.reasons(), g.messages(), entry(g.sample(), marks, outcomes), g.histogram());
    }

    record HeaderView(String key, String value, boolean binary) {
    }

    /**
     * @param encoding {@code json} (pretty-printed), {@code text}, {@code hex} or {@code none}
     */
    record PayloadView(String encoding, int size, String text) {
    }

    /**
     * @param indexed       the index holds this dead letter (false: older than the index, read from Kafka)
     * @param message       the final exception's whole message
     * @param earlierRounds the headers of earlier dead-letter rounds ({@code jobwire.prev-dlt.*}, prefix
     *                      dropped), one list per round, oldest first
     */
    record Detail(EntryView entry, boolean indexed, boolean onBroker, PayloadView key, PayloadView value,
            List<HeaderView> headers, String message, List<AttemptFailure> attemptHistory, String stackTrace,
            String worker, String deadLetteredAt, String originalTimestamp, String consumerGroup,
            Fingerprint fingerprint, List<List<HeaderView>> earlierRounds, List<String> replays) {
    }

    static Detail detail(DeadLetterEntry e, boolean indexed, ConsumerRecord<byte[], byte[]> r, MarkStore marks,
            ReplayOutcomes outcomes, Fingerprint fp, List<String> replays) {
        EntryView view = entry(e, marks, outcomes);
        if (r == null) {
            return new Detail(view, indexed, false, null, null, List.of(), e.message(), List.of(), null, null, null, null,
                    null, fp, List.of(), replays);
        }
        List<HeaderView> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(header(h.key(), h.value()));
        }
        List<AttemptFailure> attempts = List.of();
        String stack;
        String message = e.message();
        String worker = null;
        String deadLetteredAt = null;
        String originalTimestamp = null;
        String consumerGroup = null;
        if ("jobwire".equals(e.format())) {
            try {
                DeadLetter dl = DeadLetter.readFrom(r.headers());
                attempts = dl.failures();
                worker = dl.worker();
                message = dl.exceptionMessage();
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
            String springMessage = SpringDltHeaders.text(r.headers(), SpringDltHeaders.EXCEPTION_MESSAGE);
            message = springMessage == null ? message : springMessage;
            Instant ts = SpringDltHeaders.timestamp(r.headers(), SpringDltHeaders.ORIGINAL_TIMESTAMP);
            originalTimestamp = ts == null ? null : ts.toString();
            consumerGroup = SpringDltHeaders.text(r.headers(), SpringDltHeaders.ORIGINAL_CONSUMER_GROUP);
        } else {
            stack = null;
        }
        String contentType = HeaderValues.last(r.headers(), TaskHeaders.CONTENT_TYPE);
        return new Detail(view, indexed, true, payload(r.key(), null), payload(r.value(), contentType), headers, message,
                attempts, stack, worker, deadLetteredAt, originalTimestamp, consumerGroup, fp, earlierRounds(r), replays);
    }

    private static HeaderView header(String key, byte[] value) {
        String spring = SpringDltHeaders.binaryAsText(key, value);
        String text = spring != null ? spring : Payloads.textOrNull(value);
        return text != null ? new HeaderView(key, text, false) : new HeaderView(key, Payloads.hex(value), true);
    }

    /**
     * The {@code jobwire.prev-dlt.*} headers split into rounds: a round starts at its {@code format}
     * header (the first one the worker writes), or at a header name the current round already has.
     */
    static List<List<HeaderView>> earlierRounds(ConsumerRecord<byte[], byte[]> r) {
        List<List<HeaderView>> rounds = new ArrayList<>();
        List<HeaderView> current = null;
        for (Header h : r.headers()) {
            if (!h.key().startsWith(EntryDecoder.PREVIOUS_PREFIX)) {
                continue;
            }
            String name = h.key().substring(EntryDecoder.PREVIOUS_PREFIX.length());
            boolean repeated = current != null && !name.equals("attempt")
                    && current.stream().anyMatch(x -> x.key().equals(name));
            if (current == null || name.equals("format") || repeated) {
                current = new ArrayList<>();
                rounds.add(current);
            }
            current.add(header(name, h.value()));
        }
        return rounds;
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
