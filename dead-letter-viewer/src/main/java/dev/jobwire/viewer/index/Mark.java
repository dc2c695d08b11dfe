package dev.jobwire.viewer.index;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What someone last did about a dead letter; kept in the compacted marks topic under the dead
 * letter's reference, so every viewer sees it. A mark remembers the one before it, so re-opening
 * does not erase who resolved (the audit topic keeps the whole history). Immutable.
 *
 * @param state      {@link State#OPEN} (re-opened), {@link State#RESOLVED} or {@link State#REPLAYED}
 * @param by         who (the name given at sign-in, or the API caller's, plus the client address)
 * @param target     for a replay, the topic it was replayed to; else null
 * @param jobId      for a replay, the replay job; else null
 * @param replays    how often this dead letter was replayed so far (by any viewer); kept by every
 *                   later mark, the loop guard counts it
 * @param replayedTo for a replay, the new record as {@code topic/partition/offset}; else null
 * @param previous   the mark this one replaced (its own {@code previous} dropped), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Mark(State state, String by, Instant at, String note, String target, String jobId, int replays,
        String replayedTo, Mark previous) {

    /** A dead letter without a mark, or with an OPEN mark, is open. */
    public enum State { OPEN, RESOLVED, REPLAYED }

    /** The mark that follows {@code before} (may be null): keeps the replay count and remembers it. */
    public static Mark after(Mark before, State state, String by, Instant at, String note, String target, String jobId,
            String replayedTo) {
        int replays = before == null ? 0 : before.replays();
        if (state == State.REPLAYED) {
            replays = replays == Integer.MAX_VALUE ? replays : replays + 1;
        }
        return new Mark(state, by, at, note, target, jobId, replays, replayedTo, before == null ? null : before.withoutPrevious());
    }

    public Mark withoutPrevious() {
        return previous == null ? this : new Mark(state, by, at, note, target, jobId, replays, replayedTo, null);
    }
}
