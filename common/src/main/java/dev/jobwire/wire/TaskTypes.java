package dev.jobwire.wire;

/**
 * Rules for task type names: 1 to 128 characters of letters, digits, '.', '_', '-' and ':',
 * starting with a letter or digit. Types name handlers, appear in metrics tags and in URLs.
 */
public final class TaskTypes {
    public static final int MAX_LENGTH = 128;

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
        if (!wellFormed(type)) {
            return "task type '" + HeaderValues.abbreviate(type, 64)
                    + "' may hold only letters, digits, '.', '_', '-' and ':' and must start with a letter or digit";
        }
        return null;
    }

    /** Checked on every record the worker reads, so a loop rather than a regular expression. */
    private static boolean wellFormed(String type) {
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphanumeric && (i == 0 || (c != '.' && c != '_' && c != ':' && c != '-'))) {
                return false;
            }
        }
        return true;
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
