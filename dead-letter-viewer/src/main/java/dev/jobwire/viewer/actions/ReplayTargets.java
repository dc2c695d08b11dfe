package dev.jobwire.viewer.actions;

import dev.jobwire.wire.TopicNames;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Where a replay may write: an allowlist, not a blocklist. By default only the dead letter's own
 * original topic; besides it, the topics configured in {@code JOBWIRE_VIEWER_REPLAY_TARGETS} (an
 * entry ending in {@code *} is a prefix). Never, whatever a dead letter's headers claim or the
 * configuration says: dead-letter topics, the viewer's own audit and marks topics, topics starting
 * with {@code _} (Kafka's and Confluent's internal ones such as {@code __consumer_offsets} and
 * {@code _schemas}) or Kafka Connect's {@code connect-configs/-offsets/-status}; and only topics that exist.
 * Immutable and thread-safe (the partition-count function must be).
 */
public final class ReplayTargets {
    private static final Set<String> CONNECT_TOPICS = Set.of("connect-configs", "connect-offsets", "connect-status");

    private final List<String> configured;
    private final List<String> forbidden;
    private final ToIntFunction<String> partitionCount;

    /**
     * @param configured     {@code JOBWIRE_VIEWER_REPLAY_TARGETS}
     * @param forbidden      the viewer's own topics (audit, marks)
     * @param partitionCount a topic's partition count, 0 when it does not exist
     */
    public ReplayTargets(List<String> configured, List<String> forbidden, ToIntFunction<String> partitionCount) {
        this.configured = List.copyOf(configured);
        this.forbidden = List.copyOf(forbidden);
        this.partitionCount = partitionCount;
    }

    public List<String> configured() {
        return configured;
    }

    /**
     * Why a replay of a dead letter whose original topic is {@code original} may not go to
     * {@code target}, or null when it may.
     */
    public String problem(String target, String original) {
        String never = neverProblem(target);
        if (never != null) {
            return never;
        }
        if (!target.equals(original) && !configuredAllows(target)) {
            return "will not replay into " + target + ": a replay goes to the dead letter's original topic ("
                    + (original == null ? "unknown" : original) + ")"
                    + (configured.isEmpty() ? "; other targets must be allowed in JOBWIRE_VIEWER_REPLAY_TARGETS"
                            : " or one of JOBWIRE_VIEWER_REPLAY_TARGETS " + configured);
        }
        if (partitionCount.applyAsInt(target) <= 0) {
            return "target topic " + target + " does not exist";
        }
        return null;
    }

    /** Why a chosen target topic can never be right, whatever the dead letters (checked before a job starts), or null. */
    public String overrideProblem(String target) {
        String never = neverProblem(target);
        if (never != null) {
            return never;
        }
        return partitionCount.applyAsInt(target) <= 0 ? "target topic " + target + " does not exist" : null;
    }

    private String neverProblem(String topic) {
        if (TopicNames.isDeadLetterTopic(topic)) {
            return "will not replay into a dead-letter topic (" + topic + ")";
        }
        if (forbidden.contains(topic) || topic.startsWith("_") || CONNECT_TOPICS.contains(topic)) {
            return "will not replay into the internal topic " + topic;
        }
        return null;
    }

    private boolean configuredAllows(String topic) {
        for (String allowed : configured) {
            if (allowed.endsWith("*") ? topic.startsWith(allowed.substring(0, allowed.length() - 1)) : allowed.equals(topic)) {
                return true;
            }
        }
        return false;
    }
}
