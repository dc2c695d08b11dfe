package dev.jobwire.load;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * When a batch is really done: its last offset committed, not just its last task finished. Polled
 * with an {@link Admin} client, every {@link #POLL_MILLIS} ms, once every task has finished: the
 * group's committed offsets against the topic's end offsets (read once the batch is published:
 * nothing is published after it). The commit is seen at the earliest when a poll's answer arrives, so the time reported
 * is late by up to one poll interval plus one round trip to the broker. Reported, never judged.
 *
 * <p>Stateless.
 */
final class CommitTiming {
    static final long POLL_MILLIS = 2;
    /** Issue 11's target: the last offset committed within 5 % of the time the last task finished. */
    static final double TARGET_RATIO = 1.05;

    private CommitTiming() {
    }

    /**
     * Call right after every task finished (the accounting's wait returned). Reports the seconds
     * from the batch's start ({@code startMicros}, epoch microseconds, the same origin as
     * {@code finishedSeconds}) until the last offset was seen committed, beside the seconds until
     * the last task finished, and their ratio.
     *
     * @param ends the topic's end offsets once everything was published ({@link GroupState#endOffsets})
     */
    static void report(Report r, Admin admin, String group, Map<TopicPartition, Long> ends, long startMicros,
            double finishedSeconds, long lastDoneMicros) throws Exception {
        long firstPollMicros = micros(Instant.now());
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        long uncommitted;
        long pollNanos;
        while (true) {
            long pollStart = System.nanoTime();
            uncommitted = GroupState.uncommitted(admin, group, ends);
            pollNanos = System.nanoTime() - pollStart;
            if (uncommitted == 0 || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(POLL_MILLIS);
        }
        long seenMicros = micros(Instant.now());
        if (uncommitted > 0) {
            r.put("last_offset_committed_seconds", "not within a minute of the last task (" + uncommitted + " uncommitted)");
            return;
        }
        double committedSeconds = (seenMicros - startMicros) / 1e6;
        r.put("last_task_finished_seconds", finishedSeconds);
        r.put("last_offset_committed_seconds", committedSeconds);
        r.put("committed_after_last_task_ms", (seenMicros - lastDoneMicros) / 1e3);
        // The resolution of the figure above: when polling began, and what one poll took.
        r.put("commit_polls_began_after_last_task_ms", (firstPollMicros - lastDoneMicros) / 1e3);
        r.put("commit_poll_round_trip_ms", pollNanos / 1e6);
        r.put("committed_to_finished_ratio", committedSeconds / finishedSeconds);
        r.put("commit_target", "committed within " + Math.round((TARGET_RATIO - 1) * 100) + " % of finished");
        r.put("commit_target_met", committedSeconds / finishedSeconds <= TARGET_RATIO);
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
