package dev.jobwire.viewer.index;

import java.time.Instant;

/**
 * What someone did about a dead letter; kept in the compacted marks topic under the dead letter's
 * reference. Immutable.
 *
 * @param state  {@link State#RESOLVED} or {@link State#REPLAYED}
 * @param by     who (the name given at sign-in, or the API caller's)
 * @param target for a replay, the topic it was replayed to; else null
 * @param jobId  for a replay, the replay job; else null
 */
public record Mark(State state, String by, Instant at, String note, String target, String jobId) {

    /** A dead letter without a mark is open. */
    public enum State { RESOLVED, REPLAYED }
}
