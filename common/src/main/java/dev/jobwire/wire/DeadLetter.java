package dev.jobwire.wire;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The failure description a dead letter carries in its {@link DeadLetterHeaders}. The dead
 * letter's key, value and other headers are the original record's, unchanged. Immutable.
 *
 * @param attempts       how many attempts were made; 0 when the task never ran
 * @param failures       every failed attempt, oldest first (may be shorter than attempts
 *                       only for records written by other tools)
 * @param exceptionClass the final failure's class name; for a never-run task a description such
 *                       as the decoding exception
 */
public record DeadLetter(
        String originalTopic,
        int originalPartition,
        long originalOffset,
        Instant originalTimestamp,
        DeadLetterReason reason,
        int attempts,
        List<AttemptFailure> failures,
        String exceptionClass,
        String exceptionMessage,
        String stackTrace,
        String worker,
        Instant deadLetteredAt) {

    public static final int MAX_STACK_TRACE_CHARS = 16_384;

    public DeadLetter {
        Objects.requireNonNull(originalTopic, "originalTopic");
        Objects.requireNonNull(reason, "reason");
        failures = List.copyOf(failures);
        exceptionClass = Objects.requireNonNullElse(exceptionClass, "");
        exceptionMessage = Objects.requireNonNullElse(exceptionMessage, "");
        stackTrace = Objects.requireNonNullElse(stackTrace, "");
        worker = Objects.requireNonNullElse(worker, "");
        Objects.requireNonNull(deadLetteredAt, "deadLetteredAt");
    }

    /** The stack trace of {@code failure} with its causes, cut to {@link #MAX_STACK_TRACE_CHARS}. */
    public static String stackTraceOf(Throwable failure) {
        if (failure == null) {
            return "";
        }
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        return HeaderValues.abbreviate(out.toString(), MAX_STACK_TRACE_CHARS);
    }

    /**
     * A smaller copy for when the full one does not fit the broker's size limit: stack trace cut
     * to 1,024 characters and attempt messages to 200. Everything else is kept.
     */
    public DeadLetter trimmed() {
        return new DeadLetter(originalTopic, originalPartition, originalOffset, originalTimestamp, reason, attempts,
                failures.stream().map(f -> new AttemptFailure(f.attempt(), f.at(), f.exceptionClass(),
                        HeaderValues.abbreviate(f.message(), 200))).toList(),
                exceptionClass, HeaderValues.abbreviate(exceptionMessage, 200), HeaderValues.abbreviate(stackTrace, 1_024),
                worker, deadLetteredAt);
    }

    /** A reference naming the original record: {@code topic/partition/offset}. */
    public String originalReference() {
        return originalTopic + "/" + originalPartition + "/" + originalOffset;
    }

    /**
     * Adds the dead-letter headers. A record that already was a dead letter (a raw copy replayed by
     * hand, say) keeps the headers of that earlier round, renamed from {@code jobwire.dlt.*} to
     * {@code jobwire.prev-dlt.*}, so nothing it carried is lost.
     */
    public void writeTo(Headers headers) {
        keepEarlierRound(headers);
        headers.add(DeadLetterHeaders.FORMAT, HeaderValues.utf8(DeadLetterHeaders.CURRENT_FORMAT));
        headers.add(DeadLetterHeaders.ORIGINAL_TOPIC, HeaderValues.utf8(originalTopic));
        headers.add(DeadLetterHeaders.ORIGINAL_PARTITION, HeaderValues.utf8(Integer.toString(originalPartition)));
        headers.add(DeadLetterHeaders.ORIGINAL_OFFSET, HeaderValues.utf8(Long.toString(originalOffset)));
        if (originalTimestamp != null) {
            headers.add(DeadLetterHeaders.ORIGINAL_TIMESTAMP, HeaderValues.utf8(originalTimestamp.toString()));
        }
        headers.add(DeadLetterHeaders.REASON, HeaderValues.utf8(reason.name()));
        headers.add(DeadLetterHeaders.ATTEMPTS, HeaderValues.utf8(Integer.toString(attempts)));
        for (AttemptFailure failure : failures) {
            headers.add(DeadLetterHeaders.ATTEMPT, HeaderValues.utf8(failure.toJson()));
        }
        headers.add(DeadLetterHeaders.EXCEPTION_CLASS, HeaderValues.utf8(exceptionClass));
        headers.add(DeadLetterHeaders.EXCEPTION_MESSAGE, HeaderValues.utf8(exceptionMessage));
        headers.add(DeadLetterHeaders.STACK_TRACE, HeaderValues.utf8(stackTrace));
        headers.add(DeadLetterHeaders.WORKER, HeaderValues.utf8(worker));
        headers.add(DeadLetterHeaders.DEAD_LETTERED_AT, HeaderValues.utf8(deadLetteredAt.toString()));
    }

    private static void keepEarlierRound(Headers headers) {
        List<Header> earlier = new ArrayList<>();
        for (Header header : headers) {
            if (header.key().startsWith(DeadLetterHeaders.PREFIX)) {
                earlier.add(header);
            }
        }
        if (earlier.isEmpty()) {
            return;
        }
        removeFrom(headers);
        for (Header header : earlier) {
            headers.add(DeadLetterHeaders.EARLIER_PREFIX + header.key().substring(DeadLetterHeaders.PREFIX.length()),
                    header.value());
        }
    }

    /** Removes every dead-letter header, leaving the original record's headers (used by replay). */
    public static void removeFrom(Headers headers) {
        List<String> keys = new ArrayList<>();
        for (Header header : headers) {
            if (header.key().startsWith(DeadLetterHeaders.PREFIX)) {
                keys.add(header.key());
            }
        }
        keys.forEach(headers::remove);
    }

    /**
     * Decodes the dead-letter headers of a record from a dead-letter topic.
     *
     * @throws MalformedTaskException naming the first missing or invalid header
     */
    public static DeadLetter readFrom(Headers headers) throws MalformedTaskException {
        String format = HeaderValues.required(headers, DeadLetterHeaders.FORMAT);
        if (!DeadLetterHeaders.CURRENT_FORMAT.equals(format)) {
            throw new MalformedTaskException("unsupported " + DeadLetterHeaders.FORMAT + " '"
                    + HeaderValues.abbreviate(format, 16) + "'");
        }
        List<AttemptFailure> failures = new ArrayList<>();
        for (Header header : headers.headers(DeadLetterHeaders.ATTEMPT)) {
            failures.add(AttemptFailure.fromJson(HeaderValues.string(header)));
        }
        DeadLetterReason reason;
        String reasonName = HeaderValues.required(headers, DeadLetterHeaders.REASON);
        try {
            reason = DeadLetterReason.valueOf(reasonName);
        } catch (IllegalArgumentException e) {
            throw new MalformedTaskException("unknown " + DeadLetterHeaders.REASON + " '"
                    + HeaderValues.abbreviate(reasonName, 40) + "'");
        }
        return new DeadLetter(
                HeaderValues.required(headers, DeadLetterHeaders.ORIGINAL_TOPIC),
                (int) number(headers, DeadLetterHeaders.ORIGINAL_PARTITION),
                number(headers, DeadLetterHeaders.ORIGINAL_OFFSET),
                HeaderValues.instant(headers, DeadLetterHeaders.ORIGINAL_TIMESTAMP),
                reason,
                (int) number(headers, DeadLetterHeaders.ATTEMPTS),
                failures,
                HeaderValues.last(headers, DeadLetterHeaders.EXCEPTION_CLASS),
                HeaderValues.last(headers, DeadLetterHeaders.EXCEPTION_MESSAGE),
                HeaderValues.last(headers, DeadLetterHeaders.STACK_TRACE),
                HeaderValues.last(headers, DeadLetterHeaders.WORKER),
                Objects.requireNonNullElse(HeaderValues.instant(headers, DeadLetterHeaders.DEAD_LETTERED_AT), Instant.EPOCH));
    }

    private static long number(Headers headers, String key) throws MalformedTaskException {
        String value = HeaderValues.required(headers, key);
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new MalformedTaskException("header '" + key + "' is not a number: '"
                    + HeaderValues.abbreviate(value, 32) + "'");
        }
    }
}
