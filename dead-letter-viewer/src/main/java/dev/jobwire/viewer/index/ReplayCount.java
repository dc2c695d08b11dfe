package dev.jobwire.viewer.index;

import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import org.apache.kafka.common.header.Headers;

/**
 * The {@code jobwire.replay-count} a record carries: how often the task was replayed before this
 * dead letter was written. A value that is not a whole number from 0 to {@link Integer#MAX_VALUE}
 * is <em>malformed</em>, and the loop guard treats a malformed count as already at its limit (a
 * forged or corrupted count must not pass as "never replayed"). Immutable.
 *
 * @param value     the count; 0 when absent or malformed
 * @param malformed the header is present but not a valid count
 * @param raw       the header's text when malformed (for the refusal message), else null
 */
public record ReplayCount(int value, boolean malformed, String raw) {
    public static final ReplayCount NONE = new ReplayCount(0, false, null);

    public static ReplayCount of(Headers headers) {
        String text;
        try {
            text = HeaderValues.last(headers, TaskHeaders.REPLAY_COUNT);
        } catch (RuntimeException e) {
            return new ReplayCount(0, true, "(unreadable)");
        }
        return parse(text);
    }

    public static ReplayCount parse(String text) {
        if (text == null) {
            return NONE;
        }
        String t = text.trim();
        if (t.isEmpty() || t.length() > 10 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return new ReplayCount(0, true, HeaderValues.abbreviate(text, 24));
        }
        long parsed = Long.parseLong(t);
        if (parsed > Integer.MAX_VALUE) {
            return new ReplayCount(0, true, HeaderValues.abbreviate(text, 24));
        }
        return new ReplayCount((int) parsed, false, null);
    }
}
