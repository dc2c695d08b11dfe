package dev.jobwire.viewer.http;

import static dev.jobwire.viewer.http.HttpJson.error;

import dev.jobwire.viewer.ViewerConfig;
import dev.jobwire.viewer.actions.JobRegistry;
import dev.jobwire.viewer.actions.MarkActions;
import dev.jobwire.viewer.actions.ReplayRunner;
import dev.jobwire.viewer.actions.ReplayTargets;
import dev.jobwire.viewer.audit.AuditLog;
import dev.jobwire.viewer.audit.AuditWriter;
import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.EntryDecoder;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.index.ReplayOutcomes;
import dev.jobwire.viewer.kafka.RecordFetcher;
import dev.jobwire.viewer.kafka.TopicFollower;
import dev.jobwire.viewer.security.AccessDenied;
import dev.jobwire.viewer.security.AccessGuard;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface put together: security headers and the {@code Host} check on every response,
 * the read check on the API and metrics, the page's three files, and the read, session and action
 * routes; errors as JSON {@code {"error": ...}}. Thread-safe (holds only thread-safe collaborators).
 */
public final class ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    /** Open to any Host and without a token: what orchestrators probe; they reveal only counts and states. */
    private static final Set<String> PROBES = Set.of("/health/live", "/health/ready");
    /** Open without a token (but not to foreign Hosts): the page itself and its sign-in. */
    private static final Set<String> PUBLIC = Set.of("/", "/app.js", "/app.css", "/api/session", "/api/session/logout");

    private final AccessGuard guard;
    private final ReadRoutes reads;
    private final SessionRoutes sessions;
    private final ActionRoutes actions;
    private final StaticFiles files = new StaticFiles();

    ApiRoutes(AccessGuard guard, ReadRoutes reads, SessionRoutes sessions, ActionRoutes actions) {
        this.guard = guard;
        this.reads = reads;
        this.sessions = sessions;
        this.actions = actions;
    }

    /** What the routes read from and act through (the composition root builds these). */
    public record Parts(ViewerConfig config, AccessGuard guard, DeadLetterIndex index, MarkStore marks,
            ReplayOutcomes outcomes, TopicFollower follower, RecordFetcher fetcher, EntryDecoder decoder, JobRegistry jobs,
            AuditLog auditLog, AuditWriter auditWriter, PrometheusMeterRegistry registry, ReplayTargets targets,
            ReplayRunner runner, MarkActions markActions) {
    }

    public static ApiRoutes of(Parts p) {
        ReadRoutes reads = new ReadRoutes(p.config(), p.index(), p.marks(), p.outcomes(), p.follower(), p.fetcher(),
                p.decoder(), p.jobs(), p.auditLog(), p.registry());
        Selections selections = new Selections(p.index(), p.follower(), p.config().maxReplayBatch());
        ActionRoutes actions = new ActionRoutes(p.guard(), selections, p.targets(), p.jobs(), p.runner(), p.markActions(),
                p.auditWriter());
        return new ApiRoutes(p.guard(), reads, new SessionRoutes(p.guard()), actions);
    }

    public void register(RoutesConfig r) {
        r.before(ApiRoutes::securityHeaders);
        r.before(this::checkAccess);
        files.assets().forEach((path, asset) -> r.get(path, ctx -> ctx.contentType(asset.contentType()).result(asset.bytes())));
        reads.register(r);
        sessions.register(r);
        actions.register(r);

        r.exception(AccessDenied.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        r.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        r.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal error; see the viewer's log");
        });
        // Unknown paths: a fixed body that never echoes the request.
        r.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (type == null || !type.startsWith("application/json")) {
                error(ctx, 404, "not found");
            }
        });
    }

    /** The Host check everywhere but the probes; the read check on everything but the page and sign-in. */
    private void checkAccess(Context ctx) {
        String path = ctx.path();
        if (PROBES.contains(path)) {
            return;
        }
        guard.requireKnownHost(ctx);
        if (!PUBLIC.contains(path) && !ctx.method().name().equals("POST")) { // actions check more themselves
            guard.requireRead(ctx);
        }
    }

    static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    }
}
