package dev.jobwire.viewer.index;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A filter over the index. Every field is optional (null or empty means "any"). The text form is
 * the page's URL query string, so a filtered view is a shareable link. Immutable.
 *
 * @param topics         dead-letter topics
 * @param text           free text, matched case-insensitively against key, payload start, error
 *                       message and header values
 * @param status         {@code open} (no mark), {@code resolved}, {@code replayed}; null for all
 * @param group          a fingerprint id
 */
public record Query(Set<String> topics, String taskType, String reason, String exceptionClass, Instant from,
        Instant to, String text, String status, String group) {

    public static final Query ALL = new Query(Set.of(), null, null, null, null, null, null, null, null);

    public Query {
        topics = topics == null ? Set.of() : Set.copyOf(topics);
        taskType = blankToNull(taskType);
        reason = blankToNull(reason);
        exceptionClass = blankToNull(exceptionClass);
        text = blankToNull(text) == null ? null : text.trim().toLowerCase(Locale.ROOT);
        status = blankToNull(status) == null || "all".equalsIgnoreCase(status) ? null : status.toLowerCase(Locale.ROOT);
        group = blankToNull(group);
        if (status != null && !Set.of("open", "resolved", "replayed").contains(status)) {
            throw new IllegalArgumentException("status must be all, open, resolved or replayed, not '" + status + "'");
        }
    }

    /**
     * From URL parameters: {@code topic} (comma-separated), {@code type}, {@code reason},
     * {@code exception}, {@code from}, {@code to} (ISO-8601 instants), {@code range} (the last
     * {@code 15m}, {@code 1h}, {@code 24h}, {@code 7d}... up to now, instead of {@code from}), {@code q},
     * {@code status}, {@code group}.
     *
     * @throws IllegalArgumentException naming the invalid parameter
     */
    public static Query fromParams(Map<String, String> p) {
        String topic = p.get("topic");
        Set<String> topics = topic == null ? Set.of()
                : Arrays.stream(topic.split(",")).map(String::trim).filter(t -> !t.isEmpty()).collect(Collectors.toSet());
        Instant from = instant(p, "from");
        String range = blankToNull(p.get("range"));
        if (range != null) {
            if (from != null) {
                throw new IllegalArgumentException("give either 'range' or 'from', not both");
            }
            from = Instant.now().minus(range(range));
        }
        return new Query(topics, p.get("type"), p.get("reason"), p.get("exception"), from,
                instant(p, "to"), p.get("q"), p.get("status"), p.get("group"));
    }

    /** The same query for every status (open, replayed and resolved). */
    public Query withoutStatus() {
        return status == null ? this : new Query(topics, taskType, reason, exceptionClass, from, to, text, null, group);
    }

    /** {@code 15m}, {@code 1h}, {@code 24h}, {@code 7d}, {@code 2w} or ISO-8601 ({@code PT1H}). */
    static Duration range(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.startsWith("p")) {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                d = switch (v.charAt(v.length() - 1)) {
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    case 'w' -> Duration.ofDays(7 * n);
                    default -> throw new NumberFormatException();
                };
            }
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(3_650)) > 0) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException | ArithmeticException e) {
            throw new IllegalArgumentException("'range' must be a time span such as 15m, 1h, 24h or 7d");
        }
    }

    public boolean matches(DeadLetterEntry e, MarkStore marks) {
        if (!topics.isEmpty() && !topics.contains(e.ref().topic())) {
            return false;
        }
        if (taskType != null && !taskType.equals(e.taskType())) {
            return false;
        }
        if (reason != null && !reason.equals(e.reason())) {
            return false;
        }
        if (exceptionClass != null && !exceptionClass.equals(e.exceptionClass())) {
            return false;
        }
        if (from != null && e.timestamp().isBefore(from)) {
            return false;
        }
        if (to != null && !e.timestamp().isBefore(to)) {
            return false;
        }
        if (group != null && !group.equals(e.fingerprint())) {
            return false;
        }
        if (status != null && !status.equals(marks.status(e.ref()))) {
            return false;
        }
        return text == null || e.searchText().contains(text);
    }

    private static Instant instant(Map<String, String> p, String name) {
        String v = blankToNull(p.get(name));
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + name + "' must be an ISO-8601 instant such as 2026-01-31T10:00:00Z");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
