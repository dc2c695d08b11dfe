package dev.jobwire.viewer.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.viewer.Json;
import dev.jobwire.viewer.ViewerConfig;
import dev.jobwire.viewer.index.DeadLetterEntry;
import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.index.Query;
import dev.jobwire.viewer.kafka.RecordFetcher;
import dev.jobwire.viewer.kafka.TopicFollower;
import dev.jobwire.viewer.replay.AuditLog;
import dev.jobwire.viewer.replay.ReplayJob;
import dev.jobwire.viewer.replay.ReplayService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface: the page's three files, the JSON API, health and metrics. Every response gets
 * the security headers; every changing action goes through {@link ActionGuard}. Reads are open.
 * Thread-safe (holds only thread-safe collaborators).
 */
public final class ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final int MAX_PAGE_SIZE = 500;

    private final ViewerConfig config;
    private final DeadLetterIndex index;
    private final MarkStore marks;
    private final TopicFollower follower;
    private final RecordFetcher fetcher;
    private final ReplayService replays;
    private final AuditLog audit;
    private final ActionGuard guard;
    private final PrometheusMeterRegistry registry;
    private final StaticFiles files = new StaticFiles();

    public ApiRoutes(ViewerConfig config, DeadLetterIndex index, MarkStore marks, TopicFollower follower,
            RecordFetcher fetcher, ReplayService replays, AuditLog audit, ActionGuard guard,
            PrometheusMeterRegistry registry) {
        this.config = config;
        this.index = index;
        this.marks = marks;
        this.follower = follower;
        this.fetcher = fetcher;
        this.replays = replays;
        this.audit = audit;
        this.guard = guard;
        this.registry = registry;
    }

    public void register(RoutesConfig r) {
        r.before(ApiRoutes::securityHeaders);
        files.assets().forEach((path, asset) -> r.get(path, ctx -> ctx.contentType(asset.contentType()).result(asset.bytes())));

        r.get("/health/live", ctx -> json(ctx, Map.of("status", "UP")));
        r.get("/health/ready", ctx -> {
            boolean ready = follower.isReady();
            ctx.status(ready ? 200 : 503);
            json(ctx, Map.of("status", ready ? "UP" : "CATCHING_UP", "deadLetters", index.size()));
        });
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));

        r.get("/api/config", this::configView);
        r.get("/api/version", ctx -> json(ctx, Map.of("version", index.version(), "ready", follower.isReady())));
        r.get("/api/facets", ctx -> json(ctx, index.facets()));
        r.get("/api/dead-letters", this::list);
        r.get("/api/dead-letters/{topic}/{partition}/{offset}", this::detail);
        r.get("/api/groups", ctx -> {
            DeadLetterIndex.Groups g = index.groups(query(ctx));
            json(ctx, Map.of("total", g.total(), "from", String.valueOf(g.from()), "to", String.valueOf(g.to()),
                    "buckets", DeadLetterIndex.HISTOGRAM_BUCKETS,
                    "groups", g.groups().stream().map(x -> Views.group(x, marks)).toList()));
        });
        r.get("/api/session", ctx -> {
            ActionGuard.Session s = guard.session(ctx);
            json(ctx, s == null ? Map.of("authenticated", false, "readOnly", guard.readOnly())
                    : Map.of("authenticated", true, "user", s.user(), "csrfToken", s.csrfToken(), "readOnly", false));
        });
        r.post("/api/session", ctx -> {
            JsonNode body = body(ctx);
            ActionGuard.Session s = guard.login(ctx, text(body, "token"), text(body, "user"));
            LOG.info("{} signed in from {}", s.user(), ctx.ip());
            json(ctx, Map.of("authenticated", true, "user", s.user(), "csrfToken", s.csrfToken()));
        });
        r.post("/api/session/logout", ctx -> {
            guard.logout(ctx);
            json(ctx, Map.of("authenticated", false));
        });
        r.post("/api/replay", this::replay);
        r.get("/api/replays", ctx -> json(ctx, Map.of("jobs", replays.jobs(), "audit", audit.newest(200))));
        r.get("/api/replays/{id}", ctx -> json(ctx, job(ctx).status()));
        r.post("/api/replays/{id}/cancel", ctx -> {
            guard.requireAction(ctx);
            ReplayJob job = job(ctx);
            job.cancel();
            json(ctx, job.status());
        });
        r.post("/api/marks", this::mark);

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

    private void configView(Context ctx) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("readOnly", config.readOnly());
        view.put("topics", follower.deadLetterTopics());
        view.put("maxPerTopic", config.maxPerTopic());
        view.put("maxReplayCount", config.maxReplayCount());
        view.put("replayRatePerSecond", config.replayRatePerSecond());
        view.put("maxReplayBatch", config.maxReplayBatch());
        view.put("instance", config.instanceId());
        json(ctx, view);
    }

    private void list(Context ctx) {
        int page = intParam(ctx, "page", 0, 0, Integer.MAX_VALUE);
        int size = intParam(ctx, "size", 50, 1, MAX_PAGE_SIZE);
        DeadLetterIndex.Page p = index.list(query(ctx), page, size);
        json(ctx, Map.of("total", p.total(), "page", p.page(), "size", p.size(),
                "items", p.items().stream().map(e -> Views.entry(e, marks)).toList()));
    }

    private void detail(Context ctx) {
        DeadLetterRef ref;
        try {
            ref = new DeadLetterRef(ctx.pathParam("topic"), Integer.parseInt(ctx.pathParam("partition")),
                    Long.parseLong(ctx.pathParam("offset")));
        } catch (NumberFormatException e) {
            throw new ApiException(404, "not found");
        }
        DeadLetterEntry entry = index.get(ref);
        if (entry == null) {
            throw new ApiException(404, "no dead letter " + ref + " in the index");
        }
        json(ctx, Views.detail(entry, fetcher.fetch(ref), marks, index.fingerprint(entry.fingerprint())));
    }

    private void replay(Context ctx) {
        String actor = guard.requireAction(ctx);
        JsonNode body = body(ctx);
        List<DeadLetterRef> refs = selection(body);
        String target = text(body, "target");
        boolean force = body.path("force").asBoolean(false);
        if (target != null && !target.isBlank()) {
            String problem = replays.targetProblem(target.trim());
            if (problem != null) {
                throw new ApiException(400, problem);
            }
        }
        if (body.path("dryRun").asBoolean(false)) {
            json(ctx, replays.dryRun(refs, target, force));
            return;
        }
        ReplayJob job = replays.start(refs, target, force, actor);
        // Small requests answer with the outcome; large ones with the job to poll.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (refs.size() <= 50 && job.status().state() == ReplayJob.State.RUNNING && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ctx.status(202);
        json(ctx, job.status());
    }

    private void mark(Context ctx) throws InterruptedException {
        String actor = guard.requireAction(ctx);
        JsonNode body = body(ctx);
        List<DeadLetterRef> refs = selection(body);
        String state = text(body, "state");
        Mark.State markState;
        if ("RESOLVED".equalsIgnoreCase(state)) {
            markState = Mark.State.RESOLVED;
        } else if ("OPEN".equalsIgnoreCase(state)) {
            markState = null;
        } else {
            throw new ApiException(400, "state must be RESOLVED or OPEN");
        }
        String note = text(body, "note");
        if (note != null && note.length() > 1_000) {
            note = note.substring(0, 1_000);
        }
        int written = replays.mark(refs, markState, actor, note);
        LOG.info("{} marked {} dead letter(s) {}", actor, written, markState == null ? "OPEN" : markState);
        json(ctx, Map.of("marked", written, "state", markState == null ? "OPEN" : markState.name()));
    }

    /**
     * The dead letters an action is about: {@code refs} (a list of references), or {@code group}
     * (a fingerprint, narrowed by {@code filter}), or {@code filter} (URL-style parameters).
     * References must be in a followed dead-letter topic, so no other topic's records can be replayed.
     */
    private List<DeadLetterRef> selection(JsonNode body) {
        List<DeadLetterRef> refs = new ArrayList<>();
        if (body.has("refs")) {
            Set<String> followed = Set.copyOf(follower.deadLetterTopics());
            for (JsonNode n : body.path("refs")) {
                DeadLetterRef ref = DeadLetterRef.parse(n.asText());
                if (!followed.contains(ref.topic()) && index.get(ref) == null) {
                    throw new ApiException(400, "not a followed dead-letter topic: " + ref.topic());
                }
                refs.add(ref);
            }
        } else if (body.has("group") || body.has("filter")) {
            Map<String, String> params = new HashMap<>();
            body.path("filter").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            if (body.has("group")) {
                params.put("group", body.path("group").asText());
            }
            index.find(Query.fromParams(params)).forEach(e -> refs.add(e.ref()));
        } else {
            throw new ApiException(400, "say which dead letters: refs, group or filter");
        }
        if (refs.isEmpty()) {
            throw new ApiException(400, "no dead letters selected");
        }
        if (refs.size() > config.maxReplayBatch()) {
            throw new ApiException(400, refs.size() + " dead letters selected; at most " + config.maxReplayBatch()
                    + " per request (JOBWIRE_VIEWER_MAX_REPLAY_BATCH)");
        }
        return refs;
    }

    private ReplayJob job(Context ctx) {
        ReplayJob job = replays.job(ctx.pathParam("id"));
        if (job == null) {
            throw new ApiException(404, "no such replay job (jobs are kept in memory by the viewer that ran them)");
        }
        return job;
    }

    private static Query query(Context ctx) {
        Map<String, String> params = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                params.put(k, v.getFirst());
            }
        });
        return Query.fromParams(params);
    }

    private static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(v.trim())));
        } catch (NumberFormatException e) {
            throw new ApiException(400, "'" + name + "' must be a whole number");
        }
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode node = Json.MAPPER.readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) {
                throw new ApiException(400, "the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ApiException(400, "the body is not JSON");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    static void json(Context ctx, Object value) {
        try {
            ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        json(ctx, Map.of("error", message == null ? "error" : message));
    }
}
