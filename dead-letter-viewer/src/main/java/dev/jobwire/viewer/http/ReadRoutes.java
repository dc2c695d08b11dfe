package dev.jobwire.viewer.http;

import static dev.jobwire.viewer.http.HttpJson.intParam;
import static dev.jobwire.viewer.http.HttpJson.json;

import dev.jobwire.viewer.ViewerConfig;
import dev.jobwire.viewer.actions.ActionJob;
import dev.jobwire.viewer.actions.JobRegistry;
import dev.jobwire.viewer.audit.AuditLog;
import dev.jobwire.viewer.index.DeadLetterEntry;
import dev.jobwire.viewer.index.DeadLetterIndex;
import dev.jobwire.viewer.index.DeadLetterRef;
import dev.jobwire.viewer.index.EntryDecoder;
import dev.jobwire.viewer.index.Fingerprint;
import dev.jobwire.viewer.index.Grouping;
import dev.jobwire.viewer.index.MarkStore;
import dev.jobwire.viewer.index.Query;
import dev.jobwire.viewer.index.ReplayOutcomes;
import dev.jobwire.viewer.kafka.ReaderHealth;
import dev.jobwire.viewer.kafka.RecordFetcher;
import dev.jobwire.viewer.kafka.TopicFollower;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The routes that only read: health, metrics, the configuration the page needs, the index version
 * and coverage, facets, the list, groups, one dead letter's detail, and replay jobs with the audit
 * trail. Thread-safe (holds only thread-safe collaborators).
 */
final class ReadRoutes {
    static final int MAX_PAGE_SIZE = 500;
    static final int MAX_GROUPS_PAGE = 200;

    private final ViewerConfig config;
    private final DeadLetterIndex index;
    private final MarkStore marks;
    private final ReplayOutcomes outcomes;
    private final TopicFollower follower;
    private final RecordFetcher fetcher;
    private final EntryDecoder decoder;
    private final JobRegistry jobs;
    private final AuditLog audit;
    private final PrometheusMeterRegistry registry;

    ReadRoutes(ViewerConfig config, DeadLetterIndex index, MarkStore marks, ReplayOutcomes outcomes, TopicFollower follower,
            RecordFetcher fetcher, EntryDecoder decoder, JobRegistry jobs, AuditLog audit, PrometheusMeterRegistry registry) {
        this.config = config;
        this.index = index;
        this.marks = marks;
        this.outcomes = outcomes;
        this.follower = follower;
        this.fetcher = fetcher;
        this.decoder = decoder;
        this.jobs = jobs;
        this.audit = audit;
        this.registry = registry;
    }

    void register(RoutesConfig r) {
        r.get("/health/live", ctx -> json(ctx, Map.of("status", "UP")));
        r.get("/health/ready", this::ready);
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
        r.get("/api/config", this::configView);
        r.get("/api/version", this::version);
        r.get("/api/index", ctx -> json(ctx, index.coverage()));
        r.get("/api/facets", ctx -> json(ctx, index.facets()));
        r.get("/api/dead-letters", this::list);
        r.get("/api/dead-letters/{topic}/{partition}/{offset}", this::detail);
        r.get("/api/groups", this::groups);
        r.get("/api/replays", ctx -> json(ctx, Map.of("jobs", jobs.statuses(), "audit", audit.newest(200))));
        r.get("/api/replays/{id}", ctx -> json(ctx, job(jobs, ctx).status()));
    }

    /** 200 only when caught up and the reader is alive; 503 otherwise, with the reader's state and last error. */
    private void ready(Context ctx) {
        ReaderHealth.Snapshot h = follower.health().snapshot();
        ctx.status(h.ready() ? 200 : 503);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", h.ready() ? "UP" : h.state().name());
        body.put("reader", h);
        body.put("deadLetters", index.size());
        json(ctx, body);
    }

    private void version(Context ctx) {
        DeadLetterIndex.Coverage c = index.coverage();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", index.version());
        body.put("ready", follower.isReady());
        body.put("reader", follower.health().snapshot());
        body.put("indexed", c.entries());
        body.put("notIndexed", c.notIndexed().stream().mapToLong(DeadLetterIndex.NotIndexed::records).sum());
        json(ctx, body);
    }

    private void configView(Context ctx) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("readOnly", config.readOnly());
        view.put("topics", follower.deadLetterTopics());
        view.put("maxPerTopic", config.maxPerTopic());
        view.put("indexMemoryBytes", index.budgetBytes());
        view.put("maxReplayCount", config.maxReplayCount());
        view.put("replayRatePerSecond", config.replayRatePerSecond());
        view.put("maxReplayBatch", config.maxReplayBatch());
        view.put("replayTargets", config.replayTargets());
        view.put("replayOutcomeWindowSeconds", config.replayOutcomeWindow().toSeconds());
        view.put("instance", config.instanceId());
        json(ctx, view);
    }

    private void list(Context ctx) {
        int page = intParam(ctx, "page", 0, 0, Integer.MAX_VALUE);
        int size = intParam(ctx, "size", 50, 1, MAX_PAGE_SIZE);
        DeadLetterIndex.Page p = index.list(Query.fromParams(HttpJson.params(ctx)), page, size);
        json(ctx, Map.of("total", p.total(), "page", p.page(), "size", p.size(),
                "items", p.items().stream().map(e -> Views.entry(e, marks, outcomes)).toList()));
    }

    private void groups(Context ctx) {
        int page = intParam(ctx, "page", 0, 0, Integer.MAX_VALUE);
        int size = intParam(ctx, "size", 50, 1, MAX_GROUPS_PAGE);
        Grouping.Groups g = index.groups(Query.fromParams(HttpJson.params(ctx)), page, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", g.total());
        body.put("totalGroups", g.totalGroups());
        body.put("page", g.page());
        body.put("size", g.size());
        body.put("from", g.from());
        body.put("to", g.to());
        body.put("buckets", Grouping.HISTOGRAM_BUCKETS);
        body.put("bucketMillis", g.bucketMillis());
        body.put("statusCounts", g.statusCounts());
        body.put("groups", g.groups().stream().map(x -> Views.group(x, marks, outcomes)).toList());
        json(ctx, body);
    }

    /** The index's entry, or, for a dead letter the index does not hold, the record read from Kafka and decoded. */
    private void detail(Context ctx) {
        DeadLetterRef ref;
        try {
            ref = new DeadLetterRef(ctx.pathParam("topic"), Integer.parseInt(ctx.pathParam("partition")),
                    Long.parseLong(ctx.pathParam("offset")));
        } catch (NumberFormatException e) {
            throw new ApiException(404, "not found");
        }
        if (!follower.deadLetterTopics().contains(ref.topic()) && index.get(ref) == null) {
            throw new ApiException(404, "not a followed dead-letter topic: " + ref.topic());
        }
        DeadLetterEntry entry = index.get(ref);
        ConsumerRecord<byte[], byte[]> record = fetcher.fetch(ref);
        boolean indexed = entry != null;
        Fingerprint fingerprint;
        if (entry == null) {
            if (record == null) {
                throw new ApiException(404, "no dead letter " + ref + " (not in the index and not on the broker)");
            }
            EntryDecoder.Decoded decoded = decoder.decode(record);
            entry = decoded.entry();
            fingerprint = decoded.fingerprint();
        } else {
            fingerprint = index.fingerprint(entry.fingerprint());
        }
        List<String> replays = index.replaysOf(ref).stream().map(e -> e.ref().toString()).toList();
        json(ctx, Views.detail(entry, indexed, record, marks, outcomes, fingerprint, replays));
    }

    static ActionJob job(JobRegistry jobs, Context ctx) {
        ActionJob job = jobs.get(ctx.pathParam("id"));
        if (job == null) {
            throw new ApiException(404, "no such job (jobs are kept in memory by the viewer that ran them)");
        }
        return job;
    }
}
