package dev.jobwire.wire;

import java.util.regex.Pattern;

/**
 * Rules for task type names: 1 to 128 characters of letters, digits, '.', '_', '-' and ':',
 * starting with a letter or digit. Types name handlers, appear in metrics tags and in URLs.
 */
public final class TaskTypes {
    public static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private TaskTypes() {
    }

    /** Null when {@code type} is valid, otherwise a sentence saying what is wrong. */
    public static String problem(String type) {
        if (type == null || type.isEmpty()) {
            return "task type is required";
        }
        if (type.length() > MAX_LENGTH) {
            return "task type is longer than " + MAX_LENGTH + " characters";
        }
        if (!VALID.matcher(type).matches()) {
            return "task type '" + HeaderValues.abbreviate(type, 64)
                    + "' may hold only letters, digits, '.', '_', '-' and ':' and must start with a letter or digit";
        }
        return null;
    }

    /** @throws IllegalArgumentException when the type is not valid, with the reason */
    public static String requireValid(String type) {
        String problem = problem(type);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return type;
    }
}
