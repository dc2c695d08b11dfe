package dev.jobwire.wire;

/**
 * Topic naming. Tasks go to {@value #DEFAULT_TASK_TOPIC} unless configured otherwise; the dead
 * letters of topic {@code T} go to {@code T}{@value #DEAD_LETTER_SUFFIX}, and its delayed tasks wait
 * in {@code T}{@value #DELAY_SUFFIX}.
 */
public final class TopicNames {
    public static final String DEFAULT_TASK_TOPIC = "jobwire.tasks";
    public static final String DEAD_LETTER_SUFFIX = ".dlt";
    public static final String DELAY_SUFFIX = ".delay";
    /** Where the dead-letter viewer records replays. */
    public static final String REPLAY_AUDIT_TOPIC = "jobwire.replay-audit";
    /** Compacted topic holding the viewer's resolved/replayed marks, keyed by dead-letter reference. */
    public static final String DEAD_LETTER_MARKS_TOPIC = "jobwire.dlt-marks";

    private TopicNames() {
    }

    public static String deadLetterTopicFor(String taskTopic) {
        return taskTopic + DEAD_LETTER_SUFFIX;
    }

    /** Where tasks of {@code taskTopic} wait for their time: see {@link DelayTiers}. */
    public static String delayTopicFor(String taskTopic) {
        return taskTopic + DELAY_SUFFIX;
    }

    public static boolean isDeadLetterTopic(String topic) {
        return topic.endsWith(DEAD_LETTER_SUFFIX);
    }
}
