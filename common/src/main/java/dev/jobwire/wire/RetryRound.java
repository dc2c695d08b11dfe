package dev.jobwire.wire;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What the earlier rounds of a re-published task left in its {@link RetryHeaders}. Immutable.
 *
 * @param attempts       attempts made in all earlier rounds
 * @param failures       their failures, oldest first
 * @param firstStartedAt when the first attempt started
 * @param notBefore      when this round may start
 * @param originalTopic  the first round's record, which a dead letter names as the original
 */
public record RetryRound(int attempts, List<AttemptFailure> failures, Instant firstStartedAt, Instant notBefore,
        String originalTopic, int originalPartition, long originalOffset, Instant originalTimestamp) {

    public RetryRound {
        failures = List.copyOf(failures);
        Objects.requireNonNull(firstStartedAt, "firstStartedAt");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(originalTopic, "originalTopic");
    }

    private static final byte[] ATTEMPTS_BYTES = RawHeader.ascii(RetryHeaders.ATTEMPTS);

    /** Whether {@code headers} carry a retry round; reads header names in place, decoding none (every task asks). */
    public static boolean isPresent(Headers headers) {
        RawHeader raw = new RawHeader();
        for (Header header : headers) {
            if (raw.of(header).keyIs(RetryHeaders.ATTEMPTS, ATTEMPTS_BYTES)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The retry round in {@code headers}, or null when the record is a first round.
     *
     * @throws MalformedTaskException naming the first missing or invalid header
     */
    public static RetryRound readFrom(Headers headers) throws MalformedTaskException {
        String attempts = HeaderValues.last(headers, RetryHeaders.ATTEMPTS);
        if (attempts == null) {
            return null;
        }
        List<AttemptFailure> failures = new ArrayList<>();
        for (Header header : headers.headers(RetryHeaders.ATTEMPT)) {
            failures.add(AttemptFailure.fromJson(HeaderValues.string(header)));
        }
        return new RetryRound(
                (int) number(RetryHeaders.ATTEMPTS, attempts, 1, 1_000_000),
                failures,
                HeaderValues.instant(headers, requiredKey(headers, RetryHeaders.FIRST_STARTED_AT)),
                HeaderValues.instant(headers, requiredKey(headers, RetryHeaders.NOT_BEFORE)),
                HeaderValues.required(headers, RetryHeaders.ORIGINAL_TOPIC),
                (int) number(RetryHeaders.ORIGINAL_PARTITION,
                        HeaderValues.required(headers, RetryHeaders.ORIGINAL_PARTITION), 0, Integer.MAX_VALUE),
                number(RetryHeaders.ORIGINAL_OFFSET, HeaderValues.required(headers, RetryHeaders.ORIGINAL_OFFSET), 0,
                        Long.MAX_VALUE),
                HeaderValues.instant(headers, RetryHeaders.ORIGINAL_TIMESTAMP));
    }

    /** Replaces any retry headers in {@code headers} with this round's. */
    public void writeTo(Headers headers) {
        removeFrom(headers);
        headers.add(RetryHeaders.ATTEMPTS, HeaderValues.utf8(Integer.toString(attempts)));
        for (AttemptFailure failure : failures) {
            headers.add(RetryHeaders.ATTEMPT, HeaderValues.utf8(failure.toJson()));
        }
        headers.add(RetryHeaders.FIRST_STARTED_AT, HeaderValues.utf8(firstStartedAt.toString()));
        headers.add(RetryHeaders.NOT_BEFORE, HeaderValues.utf8(notBefore.toString()));
        headers.add(RetryHeaders.ORIGINAL_TOPIC, HeaderValues.utf8(originalTopic));
        headers.add(RetryHeaders.ORIGINAL_PARTITION, HeaderValues.utf8(Integer.toString(originalPartition)));
        headers.add(RetryHeaders.ORIGINAL_OFFSET, HeaderValues.utf8(Long.toString(originalOffset)));
        if (originalTimestamp != null) {
            headers.add(RetryHeaders.ORIGINAL_TIMESTAMP, HeaderValues.utf8(originalTimestamp.toString()));
        }
    }

    /** Removes every retry header, leaving the record's own. */
    public static void removeFrom(Headers headers) {
        List<String> keys = new ArrayList<>();
        for (Header header : headers) {
            if (header.key().startsWith(RetryHeaders.PREFIX)) {
                keys.add(header.key());
            }
        }
        keys.forEach(headers::remove);
    }

    private static String requiredKey(Headers headers, String key) throws MalformedTaskException {
        HeaderValues.required(headers, key);
        return key;
    }

    private static long number(String key, String value, long min, long max) throws MalformedTaskException {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < min || parsed > max) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new MalformedTaskException("header '" + key + "' is not a number from " + min + " to " + max + ": '"
                    + HeaderValues.abbreviate(value, 32) + "'");
        }
    }
}
