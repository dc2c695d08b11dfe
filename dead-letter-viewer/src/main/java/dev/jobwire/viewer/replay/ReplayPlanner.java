package dev.jobwire.viewer.replay;

import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.EntryDecoder;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.index.SpringDltHeaders;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.wire.TaskMetadata;
import dev.jobwire.wire.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Decides what replaying one dead letter sends, or why it must not: pure logic, no Kafka calls
 * (the caller passes the fetched record and a way to count a topic's partitions).
 *
 * <p>The replayed record is the original: same key, same value, the dead letter's headers minus
 * every {@code jobwire.dlt.*} (and Spring {@code kafka_dlt-*}) header, with
 * {@code jobwire.replay-count} set to one more than before and {@code jobwire.replay-of} set to the
 * dead letter's reference. No partition is chosen, so the key decides as it did originally.
 * Immutable and thread-safe.
 */
public final class ReplayPlanner {
    private final int maxReplayCount;
    private final List<String> forbiddenTargets;
    private final ToIntFunction<String> partitionCount;

    /**
     * @param maxReplayCount   loop guard: a replay whose count would exceed this is refused
     * @param forbiddenTargets topics never replayed to (the viewer's own audit and marks topics)
     * @param partitionCount   a topic's partition count, 0 when it does not exist
     */
    public ReplayPlanner(int maxReplayCount, List<String> forbiddenTargets, ToIntFunction<String> partitionCount) {
        this.maxReplayCount = maxReplayCount;
        this.forbiddenTargets = List.copyOf(forbiddenTargets);
        this.partitionCount = partitionCount;
    }

    /** What to send, or why not. Exactly one of {@code record} and {@code refusal} is non-null. */
    public record Plan(DeadLetterRef ref, String target, int replayCount, ProducerRecord<byte[], byte[]> record,
            String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    /**
     * @param fetched        the dead-letter record as on the broker; null when it is gone
     * @param targetOverride the topic to replay to instead of the original one; null for the original
     * @param mark           the dead letter's current mark, or null
     * @param force          replay even though it was replayed before
     */
    public Plan plan(DeadLetterRef ref, ConsumerRecord<byte[], byte[]> fetched, String targetOverride, Mark mark,
            boolean force) {
        if (fetched == null) {
            return refuse(ref, targetOverride, 0, "the dead letter is no longer on the broker (retention)");
        }
        String original = EntryDecoder.decode(fetched).entry().originalTopic();
        String target = targetOverride == null || targetOverride.isBlank() ? original : targetOverride.trim();
        int previous = TaskMetadata.replayCount(fetched.headers());
        int next = previous + 1;
        if (target == null || target.isBlank()) {
            return refuse(ref, null, next, "the original topic is unknown (undecodable dead letter): choose a target topic");
        }
        String targetProblem = targetProblem(target);
        if (targetProblem != null) {
            return refuse(ref, target, next, targetProblem);
        }
        if (next > maxReplayCount) {
            return refuse(ref, target, next, "loop guard: this task was already replayed " + previous
                    + " time(s); the limit is " + maxReplayCount + " (JOBWIRE_VIEWER_MAX_REPLAY_COUNT)");
        }
        if (mark != null && mark.state() == Mark.State.REPLAYED && !force) {
            return refuse(ref, target, next, "already replayed by " + mark.by() + " at " + mark.at()
                    + "; replay again with force");
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : fetched.headers()) {
            headers.add(h.key(), h.value());
        }
        DeadLetter.removeFrom(headers);
        removeSpringHeaders(headers);
        HeaderValues.put(headers, TaskHeaders.REPLAY_COUNT, Integer.toString(next));
        HeaderValues.put(headers, TaskHeaders.REPLAY_OF, ref.toString());
        return new Plan(ref, target, next,
                new ProducerRecord<>(target, null, fetched.key(), fetched.value(), headers), null);
    }

    /** Why replaying to {@code topic} is not allowed, or null. */
    public String targetProblem(String topic) {
        if (TopicNames.isDeadLetterTopic(topic)) {
            return "will not replay into a dead-letter topic (" + topic + ")";
        }
        if (forbiddenTargets.contains(topic) || topic.startsWith("__")) {
            return "will not replay into the internal topic " + topic;
        }
        if (partitionCount.applyAsInt(topic) <= 0) {
            return "target topic " + topic + " does not exist";
        }
        return null;
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
        return new Plan(ref, target, count, null, why);
    }
}
