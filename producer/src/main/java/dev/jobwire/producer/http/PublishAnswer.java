package dev.jobwire.producer.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobwire.logging.ControlChars;
import dev.jobwire.producer.internal.Json;
import io.javalin.http.Context;
import java.util.List;

/**
 * The answer to {@code POST /tasks} or {@code /tasks/batch} once every task has its
 * {@link TaskOutcome}: the contract docs/producer.md states.
 * <ul>
 *   <li>202: every task was published - its receipt, or {@code {"receipts": [...]}} in request order;</li>
 *   <li>207 (batch only): some tasks were published and some not - {@code {"published": n,
 *       "notPublished": m, "tasks": [...]}}, one entry per task, so a client resends exactly the
 *       failed ones;</li>
 *   <li>otherwise no task was published: a problem, 413 {@code record-too-large} when the broker
 *       refused every task as too large, else 503 with {@code Retry-After} and the type of the first
 *       failure that may pass on a retry; a batch's problem lists every task in {@code tasks}.</li>
 * </ul>
 * So an error status always means that nothing of the request was acknowledged, and resending it
 * cannot duplicate an acknowledged task. Immutable.
 *
 * @param problem null for 202 and 207
 * @param body    the JSON body of a 202 or 207
 */
record PublishAnswer(int status, Problem problem, JsonNode body, String summary) {
    static final String RETRY_AFTER_SECONDS = "5";

    static PublishAnswer of(boolean batch, List<TaskOutcome> outcomes) {
        List<Integer> failed = java.util.stream.IntStream.range(0, outcomes.size())
                .filter(i -> !outcomes.get(i).isPublished()).boxed().toList();
        if (failed.isEmpty()) {
            JsonNode body = batch ? receipts(outcomes) : Json.receipt(outcomes.getFirst().receipt());
            return new PublishAnswer(202, null, body, "published");
        }
        TaskOutcome first = outcomes.get(failed.getFirst());
        String detail = batch ? failed.size() + " of " + outcomes.size() + " tasks were not published; first, task "
                + failed.getFirst() + ": " + first.detail() : first.detail();
        if (failed.size() < outcomes.size()) {
            ObjectNode body = Json.MAPPER.createObjectNode()
                    .put("published", outcomes.size() - failed.size())
                    .put("notPublished", failed.size());
            body.set("tasks", tasks(outcomes));
            return new PublishAnswer(207, null, body, ControlChars.escape("207 partly-published: " + detail));
        }
        // 413 only when resending unchanged can never work; otherwise the first retriable cause decides.
        TaskOutcome cause = outcomes.stream().filter(o -> o.status() == 503).findFirst().orElse(first);
        Problem problem = Problem.of(cause.status(), cause.slug(), cause.title(), detail);
        if (batch) {
            ObjectNode extra = Json.MAPPER.createObjectNode();
            extra.set("tasks", tasks(outcomes));
            problem = problem.withExtra(extra);
        }
        return new PublishAnswer(problem.status(), problem, null, problem.summary());
    }

    void writeTo(Context ctx) {
        if (problem == null) {
            ctx.status(status).contentType("application/json").result(body.toString());
            return;
        }
        if (problem.status() == 503) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        problem.writeTo(ctx);
    }

    private static ObjectNode receipts(List<TaskOutcome> outcomes) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode array = body.putArray("receipts");
        outcomes.forEach(o -> array.add(Json.receipt(o.receipt())));
        return body;
    }

    private static ArrayNode tasks(List<TaskOutcome> outcomes) {
        ArrayNode tasks = Json.MAPPER.createArrayNode();
        for (int i = 0; i < outcomes.size(); i++) {
            TaskOutcome outcome = outcomes.get(i);
            ObjectNode task = tasks.addObject().put("index", i);
            if (outcome.isPublished()) {
                task.put("status", "published").set("receipt", Json.receipt(outcome.receipt()));
            } else {
                task.put("status", "failed").put("type", Problem.TYPE_PREFIX + outcome.slug()).put("detail", outcome.detail());
            }
        }
        return tasks;
    }
}
