package dev.jobwire.viewer.actions;

import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.EntryDecoder;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.index.ReplayCount;
import dev.jobwire.viewer.index.SpringDltHeaders;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Decides what replaying one dead letter sends, or why it must not: pure logic, no Kafka calls
 * (the caller passes the fetched record and its mark).
 *
 * <p>The replayed record is the original: same key, same value, the dead letter's headers minus
 * every {@code jobwire.dlt.*} (and Spring {@code kafka_dlt-*}) header, with
 * {@code jobwire.replay-count} set to the number of this replay and {@code jobwire.replay-of} set
 * to the dead letter's reference. No partition is chosen, so the key decides as it did originally.
 * Earlier rounds' {@code jobwire.prev-dlt.*} headers are kept (they are the task's history).
 *
 * <p><b>Loop guard.</b> The number of a replay is the replays the record had before it became this
 * dead letter ({@code jobwire.replay-count}) plus the replays of this dead letter so far (its
 * mark's count, shared by all viewers through the marks topic) plus one. Past
 * {@code maxReplayCount} the dead letter is refused unless the request carries an override with a
 * reason (which the audit records). A malformed count (not a whole number from 0 to 2^31-1) counts
 * as being at the limit. Immutable and thread-safe.
 */
public final class ReplayPlanner {
    private final int maxReplayCount;
    private final ReplayTargets targets;
    private final EntryDecoder decoder = EntryDecoder.DEFAULT;

    public ReplayPlanner(int maxReplayCount, ReplayTargets targets) {
        this.maxReplayCount = maxReplayCount;
        this.targets = targets;
    }

    /**
     * What to send, or why not. Exactly one of {@code record} and {@code refusal} is non-null.
     *
     * @param overridden the loop guard would have refused it; the request's override let it through
     */
    public record Plan(DeadLetterRef ref, String target, int replayCount, ProducerRecord<byte[], byte[]> record,
            String refusal, boolean overridden) {
        public boolean refused() {
            return refusal != null;
        }
    }

    /**
     * @param fetched the dead-letter record as on the broker; null when it is gone
     * @param mark    the dead letter's current mark, or null
     */
    public Plan plan(DeadLetterRef ref, ConsumerRecord<byte[], byte[]> fetched, ReplayRequest request, Mark mark) {
        if (fetched == null) {
            return refuse(ref, request.targetOverride(), 0, "the dead letter is no longer on the broker (retention)");
        }
        if (fetched.headers().lastHeader(EntryDecoder.VALUE_OMITTED) != null) {
            String omitted = HeaderValues.last(fetched.headers(), EntryDecoder.VALUE_OMITTED);
            return refuse(ref, request.targetOverride(), 0, "the original value (" + HeaderValues.abbreviate(String.valueOf(omitted), 20)
                    + " bytes) was too large to dead-letter: this dead letter holds only a marker, and replaying it "
                    + "would send the marker instead of the task");
        }
        String original = decoder.decode(fetched).entry().originalTopic();
        String target = request.targetOverride() != null ? request.targetOverride() : original;
        if (target == null || target.isBlank()) {
            return refuse(ref, null, 0, "the original topic is unknown (undecodable dead letter): choose a target topic");
        }
        String targetProblem = targets.problem(target, original);
        if (targetProblem != null) {
            return refuse(ref, target, 0, targetProblem);
        }
        if (mark != null && mark.state() == Mark.State.REPLAYED && !request.force()) {
            return refuse(ref, target, 0, "already replayed by " + mark.by() + " at " + mark.at()
                    + "; replay again with force");
        }
        ReplayCount before = ReplayCount.of(fetched.headers());
        long repeats = mark == null ? 0 : mark.replays();
        long base = before.malformed() ? maxReplayCount : before.value();
        long next = base + repeats + 1;
        boolean overridden = false;
        if (next > maxReplayCount) {
            String why = before.malformed()
                    ? "loop guard: its " + TaskHeaders.REPLAY_COUNT + " '" + before.raw() + "' is not a valid count, which "
                            + "counts as the limit of " + maxReplayCount
                    : "loop guard: this would be replay " + next + " (the task was replayed " + before.value()
                            + " time(s) before this dead letter, and this dead letter " + repeats + " time(s)); the limit is "
                            + maxReplayCount + " (JOBWIRE_VIEWER_MAX_REPLAY_COUNT)";
            if (request.override() == null) {
                return refuse(ref, target, (int) Math.min(Integer.MAX_VALUE, next), why + "; an override with a reason replays it anyway");
            }
            overridden = true;
        }
        int count = (int) Math.min(Integer.MAX_VALUE, next);
        RecordHeaders headers = new RecordHeaders();
        for (Header h : fetched.headers()) {
            headers.add(h.key(), h.value());
        }
        DeadLetter.removeFrom(headers);
        removeSpringHeaders(headers);
        HeaderValues.put(headers, TaskHeaders.REPLAY_COUNT, Integer.toString(count));
        HeaderValues.put(headers, TaskHeaders.REPLAY_OF, ref.toString());
        return new Plan(ref, target, count, new ProducerRecord<>(target, null, fetched.key(), fetched.value(), headers),
                null, overridden);
    }

    private static void removeSpringHeaders(RecordHeaders headers) {
        List<String> keys = new ArrayList<>();
        for (Header h : headers) {
            if (h.key().startsWith(SpringDltHeaders.PREFIX)) {
                keys.add(h.key());
            }
        }
        keys.forEach(headers::remove);
    }

    private static Plan refuse(DeadLetterRef ref, String target, int count, String why) {
        return new Plan(ref, target, count, null, why, false);
    }
}
