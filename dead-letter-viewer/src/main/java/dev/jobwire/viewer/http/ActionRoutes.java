package dev.jobwire.viewer.http;

import static dev.jobwire.viewer.http.HttpJson.body;
import static dev.jobwire.viewer.http.HttpJson.json;
import static dev.jobwire.viewer.http.HttpJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.viewer.actions.ActionJob;
import dev.jobwire.viewer.actions.JobRegistry;
import dev.jobwire.viewer.actions.MarkActions;
import dev.jobwire.viewer.actions.ReplayRequest;
import dev.jobwire.viewer.actions.ReplayRunner;
import dev.jobwire.viewer.actions.ReplayTargets;
import dev.jobwire.viewer.audit.AuditRecord;
import dev.jobwire.viewer.audit.AuditWriter;
import dev.jobwire.viewer.index.Mark;
import dev.jobwire.viewer.index.Payloads;
import dev.jobwire.viewer.security.AccessGuard;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes that change something: replay (and dry run), resolve / re-open, cancel a job. Each
 * passes {@link AccessGuard#requireAction} first, and each is audited (replays and marks by the
 * work itself, cancelling here). Replays and dry runs run as jobs: requests of at most
 * {@value #ANSWER_AT_ONCE} dead letters wait (up to 10 s) and answer with the finished job (200),
 * larger ones answer at once with the running job (202) to poll. Thread-safe.
 */
final class ActionRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ActionRoutes.class);
    static final int ANSWER_AT_ONCE = 50;
    /** An override of the loop guard must say why, in at least this many characters. */
    static final int MIN_OVERRIDE_REASON = 5;

    private final AccessGuard guard;
    private final Selections selections;
    private final ReplayTargets targets;
    private final JobRegistry jobs;
    private final ReplayRunner runner;
    private final MarkActions markActions;
    private final AuditWriter audit;

    ActionRoutes(AccessGuard guard, Selections selections, ReplayTargets targets, JobRegistry jobs, ReplayRunner runner,
            MarkActions markActions, AuditWriter audit) {
        this.guard = guard;
        this.selections = selections;
        this.targets = targets;
        this.jobs = jobs;
        this.runner = runner;
        this.markActions = markActions;
        this.audit = audit;
    }

    void register(RoutesConfig r) {
        r.post("/api/replay", this::replay);
        r.post("/api/marks", this::mark);
        r.post("/api/replays/{id}/cancel", this::cancel);
    }

    private void replay(Context ctx) throws InterruptedException {
        String actor = guard.requireAction(ctx);
        JsonNode body = body(ctx);
        Selections.Selection selection = selections.of(body);
        String target = text(body, "target");
        if (target != null && !target.isBlank()) {
            String problem = targets.overrideProblem(target.trim());
            if (problem != null) {
                throw new ApiException(400, problem);
            }
        }
        String override = text(body, "override");
        if (override != null && !override.isBlank() && override.strip().length() < MIN_OVERRIDE_REASON) {
            throw new ApiException(400, "an override of the loop guard needs a reason (at least " + MIN_OVERRIDE_REASON
                    + " characters); it goes to the audit");
        }
        if (override != null && override.length() > 1_000) {
            override = override.substring(0, 1_000);
        }
        ReplayRequest request = new ReplayRequest(selection.refs(), target, body.path("force").asBoolean(false), override,
                selection.selection());
        boolean dry = body.path("dryRun").asBoolean(false);
        ActionJob job = new ActionJob(UUID.randomUUID().toString(), dry ? ActionJob.Kind.DRY_RUN : ActionJob.Kind.REPLAY,
                actor, request);
        jobs.start(job, dry ? runner::dryRun : runner::replay);
        if (request.refs().size() <= ANSWER_AT_ONCE) {
            JobRegistry.awaitEnd(job, 10_000);
        }
        ActionJob.Status status = job.status();
        ctx.status(status.state() == ActionJob.State.RUNNING ? 202 : 200);
        json(ctx, status);
    }

    private void mark(Context ctx) throws InterruptedException {
        String actor = guard.requireAction(ctx);
        JsonNode body = body(ctx);
        Selections.Selection selection = selections.of(body);
        String state = text(body, "state");
        Mark.State markState;
        if ("RESOLVED".equalsIgnoreCase(state)) {
            markState = Mark.State.RESOLVED;
        } else if ("OPEN".equalsIgnoreCase(state)) {
            markState = Mark.State.OPEN;
        } else {
            throw new ApiException(400, "state must be RESOLVED or OPEN");
        }
        String note = text(body, "note");
        if (note != null && note.length() > 1_000) {
            note = note.substring(0, 1_000);
        }
        json(ctx, markActions.apply(selection.refs(), markState, actor, note == null || note.isBlank() ? null : note,
                selection.selection()));
    }

    private void cancel(Context ctx) throws InterruptedException {
        String actor = guard.requireAction(ctx);
        ActionJob job = ReadRoutes.job(jobs, ctx);
        boolean wasRunning = job.state() == ActionJob.State.RUNNING;
        job.cancel();
        ActionJob.Status s = job.status();
        String result = wasRunning ? "cancel requested after " + s.processed() + " of " + s.total()
                : "already " + s.state().name().toLowerCase(java.util.Locale.ROOT);
        audit.writeAll(new AuditWriter.Context(AuditRecord.Action.CANCEL, job.id(), actor, Map.of("job", job.id()), null,
                null, null), List.of(new AuditRecord.Item(null, null, wasRunning ? "CANCELLED" : AuditRecord.Item.REFUSED,
                        result)));
        LOG.info("{} cancelled {} job {}: {}", actor, job.kind(), job.id(), Payloads.loggable(result));
        json(ctx, s);
    }
}
