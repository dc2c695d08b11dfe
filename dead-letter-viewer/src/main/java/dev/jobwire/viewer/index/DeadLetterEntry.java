package dev.jobwire.viewer.index;

import java.time.Instant;

/**
 * What the index keeps about one dead letter: the summary fields the list, the filters and the
 * grouping need, plus a lower-cased search text. The full record (payload, every header, stack
 * trace) is re-read from Kafka when someone opens or replays it, so memory stays small. Immutable.
 *
 * @param timestamp         the dead-letter record's own timestamp (when it was dead-lettered)
 * @param format            {@code jobwire}, {@code spring} or {@code unknown}
 * @param reason            a {@code DeadLetterReason} name for Jobwire dead letters, else null
 * @param message           the final exception's message, shortened (the detail re-reads it whole)
 * @param normalizedMessage the message with variable-looking tokens masked, see {@link Fingerprint}
 * @param attempts          null when the format does not say
 * @param keyPreview        the key as text (or hex), shortened; null when the record has no key
 * @param valueOmittedBytes the original value's size when the worker replaced a too-large value by
 *                          a marker ({@code jobwire.dlt.value-omitted}); else null
 * @param earlierRounds     how many earlier dead-letter rounds the record carries ({@code jobwire.prev-dlt.*})
 * @param decodeError       why the dead-letter headers could not be decoded; null when they could
 * @param fingerprint       the id of the error group this dead letter belongs to, see {@link Fingerprint}
 * @param replayCount       the {@code jobwire.replay-count} the record carried
 * @param replayOf          the dead letter this record is a replay of ({@code jobwire.replay-of}), or null
 * @param searchText        lower-cased key, message, header values and payload start for free text
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
        String normalizedMessage,
        Integer attempts,
        String originalTopic,
        Integer originalPartition,
        Long originalOffset,
        String keyPreview,
        int valueSize,
        Long valueOmittedBytes,
        int earlierRounds,
        String decodeError,
        String fingerprint,
        ReplayCount replayCount,
        DeadLetterRef replayOf,
        String searchText) {

    /** The same entry with its repeated values replaced by the shared instances of {@code strings}. */
    DeadLetterEntry canonical(Interner strings) {
        return new DeadLetterEntry(ref, timestamp, format, strings.intern(taskType), taskId, strings.intern(reason),
                strings.intern(exceptionClass), message, strings.intern(normalizedMessage), attempts,
                strings.intern(originalTopic), originalPartition, originalOffset, keyPreview, valueSize, valueOmittedBytes,
                earlierRounds, decodeError, strings.intern(fingerprint), replayCount, replayOf, searchText);
    }
}
