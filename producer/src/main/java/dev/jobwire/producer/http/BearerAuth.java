package dev.jobwire.producer.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured token in constant time
 * (both sides are hashed first, so neither content nor length leaks through timing). With no token
 * configured every request passes. Immutable, thread-safe.
 */
final class BearerAuth {
    private final byte[] expectedDigest;

    /** @param token the required token; null or blank disables the check */
    BearerAuth(String token) {
        this.expectedDigest = token == null || token.isBlank() ? null : sha256(token);
    }

    boolean enabled() {
        return expectedDigest != null;
    }

    boolean permits(String authorizationHeader) {
        if (expectedDigest == null) {
            return true;
        }
        String given = "";
        if (authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = authorizationHeader.substring(7).trim();
        }
        // Always compare, even for a missing header, so that timing says nothing.
        return MessageDigest.isEqual(expectedDigest, sha256(given)) && !given.isEmpty();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
