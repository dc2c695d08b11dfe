package dev.jobwire.logging;

/**
 * Finds and escapes the characters that let a value forge or disguise a line of text: C0 controls
 * (CR and LF among them), DEL, C1 controls, the Unicode line and paragraph separators, and the
 * bidirectional formatting characters (which can reorder what a reader sees, "Trojan Source").
 * Everything else, including backslashes and other non-ASCII letters, is left as it is, so
 * ordinary values read the same. Stateless, thread-safe.
 */
public final class ControlChars {
    private ControlChars() {
    }

    /** Whether {@code c} is one of the characters {@link #escape} rewrites. */
    public static boolean isUnsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || isBidiControl(c);
    }

    /** U+061C, U+200E, U+200F, U+202A-U+202E and U+2066-U+2069. */
    public static boolean isBidiControl(char c) {
        return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /** The index of the first unsafe character in {@code value}, or -1 when there is none. */
    public static int firstUnsafe(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            if (isUnsafe(value.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code value} with every unsafe character written as an escape: {@code \r}, {@code \n},
     * {@code \t}, otherwise {@code \}{@code uXXXX}. Returns {@code value} itself (no copy) when
     * nothing needs escaping; null stays null.
     */
    public static String escape(String value) {
        if (value == null) {
            return null;
        }
        int first = firstUnsafe(value);
        if (first < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isUnsafe(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
