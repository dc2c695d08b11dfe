package dev.jobwire.viewer.security;

import java.util.Locale;
import java.util.Set;

/**
 * The minimum strength of a viewer token, checked at start-up: at least 20 characters, at least 10
 * different ones, and not a well-known example. A random 24-byte token (what the viewer generates,
 * or {@code openssl rand -base64 24}) passes; {@code change-me} does not. Stateless.
 */
public final class TokenStrength {
    public static final int MIN_LENGTH = 20;
    public static final int MIN_DISTINCT = 10;
    private static final Set<String> KNOWN = Set.of("change-me", "changeme", "change-me-please", "secret", "password",
            "token", "admin", "jobwire", "test", "example", "letmein", "0123456789abcdefghij", "abcdefghijklmnopqrstuvwxyz");

    private TokenStrength() {
    }

    /** Why {@code token} is too weak, or null when it is strong enough. */
    public static String problem(String token) {
        if (token == null) {
            return null;
        }
        String t = token.trim();
        if (KNOWN.contains(t.toLowerCase(Locale.ROOT))) {
            return "is a well-known example";
        }
        if (t.length() < MIN_LENGTH) {
            return "has " + t.length() + " characters; at least " + MIN_LENGTH + " are needed";
        }
        if (t.chars().distinct().count() < MIN_DISTINCT) {
            return "has fewer than " + MIN_DISTINCT + " different characters";
        }
        return null;
    }

    /** @throws IllegalArgumentException naming the variable when the token is too weak */
    public static void require(String variable, String token) {
        String problem = problem(token);
        if (problem != null) {
            throw new IllegalArgumentException(variable + " is too weak: it " + problem
                    + " (generate one with: openssl rand -base64 24)");
        }
    }
}
