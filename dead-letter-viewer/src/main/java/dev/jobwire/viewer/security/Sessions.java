package dev.jobwire.viewer.security;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in browsers: a random session id (the cookie) and a random CSRF token per session, each
 * valid for the session lifetime. At most 10,000 live sessions (the oldest go first).
 * Thread-safety: thread-safe (a concurrent map).
 */
public final class Sessions {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_SESSIONS = 10_000;

    /**
     * @param canAct the session was opened with the action token in a viewer that is not read-only
     */
    public record Session(String id, String user, String csrfToken, boolean canAct, Instant expiresAt) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration ttl;

    public Sessions(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    public static String randomToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public Session open(String user, boolean canAct) {
        Instant now = Instant.now();
        sessions.values().removeIf(s -> s.expiresAt().isBefore(now));
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min(java.util.Comparator.comparing(Session::expiresAt))
                    .ifPresent(oldest -> sessions.remove(oldest.id()));
        }
        Session session = new Session(randomToken(), user, randomToken(), canAct, now.plus(ttl));
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session with this id, or null. */
    public Session get(String id) {
        if (id == null) {
            return null;
        }
        Session s = sessions.get(id);
        if (s != null && s.expiresAt().isBefore(Instant.now())) {
            sessions.remove(id);
            return null;
        }
        return s;
    }

    public void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }
}
