package dev.jobwire.viewer.index;

import java.time.Instant;

/**
 * What the index keeps about one dead letter: the summary fields the list, the filters and the
 * grouping need, plus a lower-cased search text. The full record (payload, every header, stack
 * trace) is re-read from Kafka when someone opens or replays it, so memory stays small. Immutable.
 *
 * @param timestamp     the dead-letter record's own timestamp (when it was dead-lettered)
 * @param format        {@code jobwire}, {@code spring} or {@code unknown}
 * @param reason        a {@code DeadLetterReason} name for Jobwire dead letters, else null
 * @param attempts      null when the format does not say
 * @param keyPreview    the key as text (or hex), shortened; null when the record has no key
 * @param decodeError   why the dead-letter headers could not be decoded; null when they could
 * @param fingerprint   the error group this dead letter belongs to, see {@link Fingerprint}
 * @param replayCount   the {@code jobwire.replay-count} the record carried (0 when absent)
 * @param searchText    lower-cased key, payload start, message and header values for free text
 */
public record DeadLetterEntry(
        DeadLetterRef ref,
        Instant timestamp,
        String format,
        String taskType,
        String taskId,
        String reason,
        String exceptionClass,
        String message,
        Integer attempts,
        String originalTopic,
        Integer originalPartition,
        Long originalOffset,
        String keyPreview,
        int valueSize,
        String decodeError,
        String fingerprint,
        int replayCount,
        String searchText) {
}
