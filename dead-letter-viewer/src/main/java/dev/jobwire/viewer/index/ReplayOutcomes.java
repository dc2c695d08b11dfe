package dev.jobwire.viewer.index;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Did a replay work? A replayed task that fails again comes back as a new dead letter carrying
 * {@code jobwire.replay-of} = the replayed dead letter, so the index knows the answer:
 * {@code FAILED_AGAIN} when such a dead letter arrived after the latest replay, {@code SUCCEEDED}
 * when none did within the outcome window (the viewer never talks to workers, so "no new dead
 * letter" is what success means here), else {@code PENDING}. Thread-safe (reads the thread-safe index).
 */
public final class ReplayOutcomes {
    /** Clock differences between the viewer and the workers that write dead letters. */
    private static final Duration SKEW = Duration.ofMinutes(1);

    private final DeadLetterIndex index;
    private final Duration window;

    public ReplayOutcomes(DeadLetterIndex index, Duration window) {
        this.index = index;
        this.window = window;
    }

    /**
     * @param state          {@code PENDING}, {@code SUCCEEDED} or {@code FAILED_AGAIN}
     * @param replayedTo     where the latest replay went ({@code topic/partition/offset}), or null
     * @param decidedBy      for PENDING and SUCCEEDED: when the window ends (ended)
     * @param newDeadLetters every dead letter that replays of this one produced, newest first
     */
    public record Outcome(String state, Instant replayedAt, String replayedTo, Instant decidedBy,
            List<String> newDeadLetters) {
    }

    /** The outcome of the latest replay, or null when {@code mark} is not a replay. */
    public Outcome of(DeadLetterRef ref, Mark mark) {
        if (mark == null || mark.state() != Mark.State.REPLAYED || mark.at() == null) {
            return null;
        }
        List<DeadLetterEntry> results = index.replaysOf(ref);
        boolean failedAgain = results.stream().anyMatch(e -> !e.timestamp().isBefore(mark.at().minus(SKEW)));
        Instant decidedBy = mark.at().plus(window);
        String state = failedAgain ? "FAILED_AGAIN" : Instant.now().isAfter(decidedBy) ? "SUCCEEDED" : "PENDING";
        return new Outcome(state, mark.at(), mark.replayedTo(), failedAgain ? null : decidedBy,
                results.reversed().stream().map(e -> e.ref().toString()).toList());
    }
}
