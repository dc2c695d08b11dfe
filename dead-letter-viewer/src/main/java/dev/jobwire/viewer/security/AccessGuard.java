package dev.jobwire.viewer.security;

import dev.jobwire.viewer.index.Payloads;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Who may see and change anything. Every request passes, in this order:
 * <ol>
 *   <li>the {@code Host} check ({@link HostAllowlist}, against DNS rebinding), 403 on a foreign name;</li>
 *   <li>for reads, when read authentication is on: a token or a signed-in session (401);</li>
 *   <li>for actions: not read-only (403); a JSON body, which a cross-site form cannot send without a
 *       CORS preflight the viewer never answers (415); a browser's {@code Origin} equal to the page's
 *       own (on an allowed host) or a configured one, and no {@code Sec-Fetch-Site: cross-site} (403);
 *       and authentication (401): {@code Authorization: Bearer <token>} (scripts), or the session
 *       cookie ({@code HttpOnly}, {@code SameSite=Strict}) plus the session's CSRF token in
 *       {@code X-CSRF-Token} (403 without it).</li>
 * </ol>
 * Tokens are compared in constant time; wrong ones are throttled and logged per client
 * ({@link AuthThrottle}). The read token, when configured, signs in for reading only.
 *
 * <p>Thread-safety: thread-safe (sessions and throttle state live in concurrent maps).
 */
public final class AccessGuard {
    public static final String COOKIE = "jobwire_viewer_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String USER_HEADER = "X-Jobwire-User";

    private final byte[] actionToken;
    private final byte[] readToken;
    private final boolean readOnly;
    private final boolean readAuth;
    private final HostAllowlist hosts;
    private final List<String> allowedOrigins;
    private final boolean secureCookie;
    private final Sessions sessions;
    private final AuthThrottle throttle;

    /** What a token or session allows. */
    public enum Access { READ, ACT }

    /**
     * @param actionToken the token that allows everything (not null)
     * @param readToken   a token that allows reading only, or null
     */
    public AccessGuard(String actionToken, String readToken, boolean readOnly, boolean readAuth, HostAllowlist hosts,
            List<String> allowedOrigins, boolean secureCookie, Sessions sessions, AuthThrottle throttle) {
        this.actionToken = actionToken.getBytes(StandardCharsets.UTF_8);
        this.readToken = readToken == null ? null : readToken.getBytes(StandardCharsets.UTF_8);
        this.readOnly = readOnly;
        this.readAuth = readAuth;
        this.hosts = hosts;
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.secureCookie = secureCookie;
        this.sessions = sessions;
        this.throttle = throttle;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public boolean readAuth() {
        return readAuth;
    }

    /** The Host names accepted. */
    public java.util.Set<String> hosts() {
        return hosts.names();
    }

    /** @throws AccessDenied 403 when the request's {@code Host} is not one of this viewer's names */
    public void requireKnownHost(Context ctx) {
        if (!hosts.allows(ctx.header("Host"))) {
            throw new AccessDenied(403, "unknown Host header: this viewer answers to " + hosts.names()
                    + " (add a name with JOBWIRE_VIEWER_HOSTS)");
        }
    }

    /** @throws AccessDenied 401 when reads need a token and the request has no valid one (or session), 429 when throttled */
    public void requireRead(Context ctx) {
        if (!readAuth) {
            return;
        }
        String bearer = bearer(ctx);
        if (bearer != null) {
            checkToken(ctx, bearer, "Bearer token");
            return;
        }
        if (session(ctx) == null) {
            throw new AccessDenied(401, "sign in first: reading needs the viewer token");
        }
    }

    /**
     * Checks an action request and returns who is acting, as {@code name (client address)}.
     *
     * @throws AccessDenied 403 (read-only, foreign origin, missing CSRF token, read-only token),
     *                      415 (not JSON), 401 (not signed in), 429 (throttled)
     */
    public String requireAction(Context ctx) {
        if (readOnly) {
            throw new AccessDenied(403, "read-only mode: replay and resolve are switched off (JOBWIRE_VIEWER_READ_ONLY)");
        }
        requireJsonSameOrigin(ctx);
        String bearer = bearer(ctx);
        if (bearer != null) {
            if (checkToken(ctx, bearer, "Bearer token") != Access.ACT) {
                throw new AccessDenied(403, "the read token cannot replay or resolve");
            }
            return actor(clean(ctx.header(USER_HEADER), "api"), ctx);
        }
        Sessions.Session session = session(ctx);
        if (session == null) {
            throw new AccessDenied(401, "sign in first: actions need the viewer token");
        }
        String csrf = ctx.header(CSRF_HEADER);
        if (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            throw new AccessDenied(403, "missing or wrong " + CSRF_HEADER + " header");
        }
        if (!session.canAct()) {
            throw new AccessDenied(403, "signed in with the read token: it cannot replay or resolve");
        }
        return actor(session.user(), ctx);
    }

    /**
     * Signs a browser in and sets the session cookie.
     *
     * @throws AccessDenied 401 on a wrong token, 429 when throttled, 403 in read-only mode without read authentication
     */
    public Sessions.Session login(Context ctx, String givenToken, String user) {
        if (readOnly && !readAuth) {
            throw new AccessDenied(403, "read-only mode: there is nothing to sign in for");
        }
        requireJsonSameOrigin(ctx);
        Access access = checkToken(ctx, givenToken == null ? "" : givenToken.trim(), "sign-in");
        Sessions.Session session = sessions.open(clean(user, "someone"), access == Access.ACT && !readOnly);
        ctx.header("Set-Cookie", COOKIE + "=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + sessions.ttl().toSeconds() + (secureCookie ? "; Secure" : ""));
        return session;
    }

    public void logout(Context ctx) {
        requireJsonSameOrigin(ctx);
        sessions.close(ctx.cookie(COOKIE));
        ctx.header("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    }

    /** The valid session of this request's cookie, or null. */
    public Sessions.Session session(Context ctx) {
        return sessions.get(ctx.cookie(COOKIE));
    }

    private Access checkToken(Context ctx, String given, String what) {
        String client = ctx.ip();
        Duration wait = throttle.blockedFor(client);
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new AccessDenied(429, "too many wrong tokens from this client; try again in " + seconds + " s");
        }
        byte[] bytes = given.getBytes(StandardCharsets.UTF_8);
        Access access = MessageDigest.isEqual(bytes, actionToken) ? Access.ACT
                : readToken != null && MessageDigest.isEqual(bytes, readToken) ? Access.READ : null;
        if (access == null) {
            throttle.failed(client, what);
            throw new AccessDenied(401, "wrong token");
        }
        throttle.succeeded(client);
        return access;
    }

    private static String bearer(Context ctx) {
        String authorization = ctx.header("Authorization");
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
    }

    private void requireJsonSameOrigin(Context ctx) {
        String contentType = ctx.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new AccessDenied(415, "actions take a JSON body (Content-Type: application/json)");
        }
        if (!originAllowed(ctx)) {
            throw new AccessDenied(403, "cross-origin request refused");
        }
    }

    /**
     * The page's own origin ({@code http(s)://} + the {@code Host}, which {@link #requireKnownHost}
     * already accepted), or a configured one; without {@code Origin}, {@code Sec-Fetch-Site} must not
     * say cross-site (scripts send neither).
     */
    boolean originAllowed(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            String site = ctx.header("Sec-Fetch-Site");
            return site == null || site.equals("same-origin") || site.equals("none");
        }
        String host = ctx.header("Host");
        if (host != null && hosts.allows(host) && (origin.equals("http://" + host) || origin.equals("https://" + host))) {
            return true;
        }
        return allowedOrigins.contains(origin);
    }

    private static String actor(String user, Context ctx) {
        return user + " (" + ctx.ip() + ")";
    }

    /** A display name: at most 80 characters, without control or format (bidi, zero-width) characters. */
    static String clean(String name, String fallback) {
        if (name == null || name.isBlank()) {
            return fallback;
        }
        String printable = name.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", "").trim();
        printable = printable.length() > 80 ? printable.substring(0, 80) : printable;
        return printable.isEmpty() ? fallback : Payloads.loggable(printable);
    }
}
