package dev.jobwire.viewer.index;

import java.util.Objects;

/**
 * Names one dead letter: {@code <dlt topic>/<partition>/<offset>}. Kafka topic names cannot contain
 * {@code /}, so the text form is unambiguous. Immutable.
 */
public record DeadLetterRef(String topic, int partition, long offset) implements Comparable<DeadLetterRef> {

    public DeadLetterRef {
        Objects.requireNonNull(topic, "topic");
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not {@code topic/partition/offset}
     */
    public static DeadLetterRef parse(String text) {
        if (text != null) {
            int last = text.lastIndexOf('/');
            int first = last > 0 ? text.lastIndexOf('/', last - 1) : -1;
            if (first > 0) {
                try {
                    return new DeadLetterRef(text.substring(0, first),
                            Integer.parseInt(text.substring(first + 1, last)), Long.parseLong(text.substring(last + 1)));
                } catch (NumberFormatException e) {
                    // fall through to the error below
                }
            }
        }
        throw new IllegalArgumentException("not a dead-letter reference (topic/partition/offset): " + text);
    }

    @Override
    public int compareTo(DeadLetterRef o) {
        int c = topic.compareTo(o.topic);
        if (c == 0) {
            c = Integer.compare(partition, o.partition);
        }
        return c != 0 ? c : Long.compare(offset, o.offset);
    }

    @Override
    public String toString() {
        return topic + "/" + partition + "/" + offset;
    }
}
