package dev.jobwire.viewer.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may change anything (replay, resolve), and the checks every such request passes:
 * <ol>
 *   <li>read-only mode refuses every action (403);</li>
 *   <li>the request body must be JSON ({@code Content-Type: application/json}), which a cross-site
 *       form cannot send without a CORS preflight that the viewer never answers;</li>
 *   <li>a browser's {@code Origin} (or {@code Sec-Fetch-Site}) must be this page's own origin or a
 *       configured one (403);</li>
 *   <li>authentication (401): either {@code Authorization: Bearer <token>} (scripts), or the session
 *       cookie from signing in with the token ({@code HttpOnly}, {@code SameSite=Strict}) together with
 *       the session's CSRF token in the {@code X-CSRF-Token} header (403 without it).</li>
 * </ol>
 * Tokens are compared in constant time. Thread-safe: sessions live in a concurrent map.
 */
public final class ActionGuard {
    public static final String COOKIE = "jobwire_viewer_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String USER_HEADER = "X-Jobwire-User";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] token;
    private final boolean readOnly;
    private final List<String> allowedOrigins;
    private final boolean secureCookie;
    private final Duration ttl;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** A signed-in browser. */
    public record Session(String id, String user, String csrfToken, Instant expiresAt) {
    }

    public ActionGuard(String token, boolean readOnly, List<String> allowedOrigins, boolean secureCookie, Duration ttl) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.readOnly = readOnly;
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.secureCookie = secureCookie;
        this.ttl = ttl;
    }

    public static String randomToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Checks an action request and returns who is acting.
     *
     * @throws ApiException 403 (read-only, foreign origin, missing CSRF token) or 401 (not signed in)
     */
    public String requireAction(Context ctx) {
        if (readOnly) {
            throw new ApiException(403, "read-only mode: replay and resolve are switched off (JOBWIRE_VIEWER_READ_ONLY)");
        }
        requireJsonSameOrigin(ctx);
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (!tokenMatches(authorization.substring(7).trim())) {
                throw new ApiException(401, "wrong token");
            }
            return actor(clean(ctx.header(USER_HEADER), "api"), ctx);
        }
        Session session = session(ctx);
        if (session == null) {
            throw new ApiException(401, "sign in first: actions need the viewer token");
        }
        String csrf = ctx.header(CSRF_HEADER);
        if (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(403, "missing or wrong " + CSRF_HEADER + " header");
        }
        return actor(session.user(), ctx);
    }

    /** Signs a browser in; sets the session cookie. @throws ApiException 401 on a wrong token */
    public Session login(Context ctx, String givenToken, String user) {
        if (readOnly) {
            throw new ApiException(403, "read-only mode: there is nothing to sign in for");
        }
        requireJsonSameOrigin(ctx);
        if (givenToken == null || !tokenMatches(givenToken.trim())) {
            try {
                Thread.sleep(300); // slows down guessing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new ApiException(401, "wrong token");
        }
        expireOld();
        Session session = new Session(randomToken(), clean(user, "someone"), randomToken(), Instant.now().plus(ttl));
        sessions.put(session.id(), session);
        ctx.header("Set-Cookie", COOKIE + "=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + ttl.toSeconds() + (secureCookie ? "; Secure" : ""));
        return session;
    }

    public void logout(Context ctx) {
        requireJsonSameOrigin(ctx);
        Session session = session(ctx);
        if (session != null) {
            sessions.remove(session.id());
        }
        ctx.header("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    }

    /** The valid session of this request's cookie, or null. */
    public Session session(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id == null) {
            return null;
        }
        Session s = sessions.get(id);
        if (s == null || s.expiresAt().isBefore(Instant.now())) {
            if (s != null) {
                sessions.remove(id);
            }
            return null;
        }
        return s;
    }

    private void requireJsonSameOrigin(Context ctx) {
        String contentType = ctx.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "actions take a JSON body (Content-Type: application/json)");
        }
        if (!originAllowed(ctx)) {
            throw new ApiException(403, "cross-origin request refused");
        }
    }

    /** Same origin as the page (scheme + Host header), or a configured origin. */
    boolean originAllowed(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            String site = ctx.header("Sec-Fetch-Site");
            return site == null || site.equals("same-origin") || site.equals("none");
        }
        String host = ctx.header("Host");
        if (host != null && (origin.equals("http://" + host) || origin.equals("https://" + host))) {
            return true;
        }
        return allowedOrigins.contains(origin);
    }

    private boolean tokenMatches(String given) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token);
    }

    private void expireOld() {
        Instant now = Instant.now();
        sessions.values().removeIf(s -> s.expiresAt().isBefore(now));
    }

    private static String actor(String user, Context ctx) {
        return user + " (" + ctx.ip() + ")";
    }

    /** A display name: at most 80 printable characters. */
    private static String clean(String name, String fallback) {
        if (name == null || name.isBlank()) {
            return fallback;
        }
        String printable = name.replaceAll("\\p{Cntrl}", "").trim();
        printable = printable.length() > 80 ? printable.substring(0, 80) : printable;
        return printable.isEmpty() ? fallback : printable;
    }
}
