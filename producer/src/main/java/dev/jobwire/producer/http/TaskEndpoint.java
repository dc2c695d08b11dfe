package dev.jobwire.producer.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobwire.producer.PublishException;
import dev.jobwire.producer.PublishFailure;
import dev.jobwire.producer.PublishReceipt;
import dev.jobwire.producer.TaskPublisher;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.producer.internal.Durations;
import dev.jobwire.producer.internal.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /tasks} and {@code POST /tasks/batch}. Checks run in this order, and nothing reaches
 * Kafka unless all pass: bearer token (401), JSON content type (415), body size (413, before
 * reading more than the limit), JSON syntax (400 malformed-json), every field of every task (400
 * invalid-request with JSON Pointers). Then the tasks are published and the request waits up to the
 * publish timeout (plus a second, so that the Kafka client's own, more precise, failure usually
 * arrives first): 202 with receipts, 413 when the broker refuses a record as too large, otherwise
 * 503 with {@code Retry-After}.
 *
 * <p>Thread-safe; responses are written on the publisher's callback threads.
 */
final class TaskEndpoint {
    private static final Logger log = LoggerFactory.getLogger(TaskEndpoint.class);
    static final String RETRY_AFTER_SECONDS = "5";

    private final TaskPublisher publisher;
    private final TaskJsonParser parser;
    private final BearerAuth auth;
    private final ProducerMetrics metrics;
    private final int maxBodyBytes;
    private final Duration publishTimeout;

    TaskEndpoint(TaskPublisher publisher, TaskJsonParser parser, BearerAuth auth, ProducerMetrics metrics,
            int maxBodyBytes, Duration publishTimeout) {
        this.publisher = publisher;
        this.parser = parser;
        this.auth = auth;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.publishTimeout = publishTimeout;
    }

    void publishOne(Context ctx) throws IOException {
        handle(ctx, false);
    }

    void publishBatch(Context ctx) throws IOException {
        handle(ctx, true);
    }

    private void handle(Context ctx, boolean batch) throws IOException {
        if (!auth.permits(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"jobwire\"");
            reject(ctx, "unauthorized", Problem.of(401, "unauthorized", "Unauthorized",
                    ctx.header("Authorization") == null ? "an Authorization: Bearer <token> header is required"
                            : "the bearer token is not valid"), List.of(), 0);
            return;
        }
        String contentType = ctx.header("Content-Type");
        if (!Json.isJsonMediaType(contentType)) {
            reject(ctx, "unsupported_media_type", Problem.of(415, "unsupported-media-type", "Unsupported Media Type",
                    "the body must be JSON sent as Content-Type: application/json, not "
                            + (contentType == null ? "no content type" : "'" + contentType + "'")), List.of(), 0);
            return;
        }
        byte[] body = readBody(ctx);
        if (body == null) {
            reject(ctx, "too_large", Problem.of(413, "payload-too-large", "Content Too Large",
                    "the request body is larger than " + maxBodyBytes + " bytes (JOBWIRE_MAX_BODY_BYTES)"), List.of(), 0);
            return;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            reject(ctx, "malformed_json", Problem.of(400, "malformed-json", "Malformed JSON",
                    "the body is not valid JSON: " + syntaxProblem(e) + location(e)), List.of(), 1);
            return;
        }
        if (root == null || root.isMissingNode()) {
            reject(ctx, "malformed_json", Problem.of(400, "malformed-json", "Malformed JSON", "the body is empty"), List.of(), 1);
            return;
        }

        Instant now = Instant.now();
        TaskJsonParser.Result parsed = batch
                ? parser.parseBatch(root, ctx.header("traceparent"), now)
                : parser.parseOne(root, ctx.header("traceparent"), now);
        if (!parsed.ok()) {
            int tasks = batch && root.isArray() ? root.size() : 1;
            reject(ctx, "invalid_request", Problem.of(400, "invalid-request", "Invalid Request",
                    parsed.errors().size() == 1 ? parsed.errors().getFirst().detail()
                            : parsed.errors().size() + " problems; see errors").withErrors(parsed.errors()),
                    parsed.types(), Math.max(0, tasks - parsed.types().size()));
            return;
        }

        List<TaskRequest> requests = parsed.requests();
        List<CompletableFuture<PublishReceipt>> futures;
        try {
            futures = publisher.publishEach(requests);
        } catch (IllegalArgumentException e) { // e.g. a deadline that passed since parsing
            reject(ctx, "invalid_request", Problem.of(400, "invalid-request", "Invalid Request", e.getMessage()),
                    parsed.types(), 0);
            return;
        }
        long start = System.nanoTime();
        CompletableFuture<Void> answered = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .exceptionally(error -> null)
                .completeOnTimeout(null, publishTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        ctx.future(() -> answered.thenRun(() -> respond(ctx, batch, requests, futures, Duration.ofNanos(System.nanoTime() - start))));
    }

    private void respond(Context ctx, boolean batch, List<TaskRequest> requests,
            List<CompletableFuture<PublishReceipt>> futures, Duration latency) {
        List<PublishReceipt> receipts = new ArrayList<>();
        List<Integer> notPublished = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        boolean allTooLarge = true;
        for (int i = 0; i < futures.size(); i++) {
            CompletableFuture<PublishReceipt> future = futures.get(i);
            String type = requests.get(i).type();
            if (future.isDone() && !future.isCompletedExceptionally()) {
                receipts.add(future.resultNow());
                metrics.published(type, latency);
                continue;
            }
            receipts.add(null);
            notPublished.add(i);
            String reason;
            if (future.isDone()) {
                PublishException failure = (PublishException) future.exceptionNow();
                allTooLarge &= failure.failure() == PublishFailure.RECORD_TOO_LARGE;
                reason = failure.getMessage();
                metrics.failed(type, failure.failure().name().toLowerCase(java.util.Locale.ROOT), latency);
            } else {
                allTooLarge = false;
                reason = "the broker did not acknowledge the task within " + Durations.format(publishTimeout)
                        + " (JOBWIRE_PUBLISH_TIMEOUT); it may still be published";
                metrics.failed(type, "timeout", latency);
            }
            reasons.add(reason);
        }

        if (notPublished.isEmpty()) {
            JsonNode body = batch ? receiptsBody(receipts) : Json.receipt(receipts.getFirst());
            ctx.status(202).contentType("application/json").result(body.toString());
            return;
        }
        Problem problem = failureProblem(futures.get(notPublished.getFirst()), allTooLarge,
                batch ? notPublished.size() + " of " + futures.size() + " tasks were not published; first, task "
                        + notPublished.getFirst() + ": " + reasons.getFirst() : reasons.getFirst());
        if (batch) {
            problem = problem.withExtra(tasksMember(receipts, notPublished, reasons));
        }
        if (problem.status() == 503) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        log.warn("{} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), problem.summary());
        problem.writeTo(ctx);
    }

    private static Problem failureProblem(CompletableFuture<PublishReceipt> firstFailed, boolean allTooLarge, String detail) {
        if (allTooLarge) {
            return Problem.of(413, "record-too-large", "Record Too Large", detail);
        }
        if (!firstFailed.isDone()) {
            return Problem.of(503, "publish-timeout", "Publish Timed Out", detail);
        }
        PublishFailure failure = ((PublishException) firstFailed.exceptionNow()).failure();
        return switch (failure) {
            case TOPIC_NOT_FOUND -> Problem.of(503, "topic-not-found", "Topic Not Found", detail);
            case BROKER_UNAVAILABLE -> Problem.of(503, "broker-unavailable", "Broker Unavailable", detail);
            default -> Problem.of(503, "publish-failed", "Publish Failed", detail);
        };
    }

    private static ObjectNode receiptsBody(List<PublishReceipt> receipts) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode array = body.putArray("receipts");
        receipts.forEach(r -> array.add(Json.receipt(r)));
        return body;
    }

    private static ObjectNode tasksMember(List<PublishReceipt> receipts, List<Integer> notPublished, List<String> reasons) {
        ObjectNode extra = Json.MAPPER.createObjectNode();
        ArrayNode tasks = extra.putArray("tasks");
        for (int i = 0; i < receipts.size(); i++) {
            ObjectNode task = tasks.addObject().put("index", i);
            int failedAt = notPublished.indexOf(i);
            if (failedAt < 0) {
                task.put("status", "published").set("receipt", Json.receipt(receipts.get(i)));
            } else {
                task.put("status", "failed").put("detail", reasons.get(failedAt));
            }
        }
        return extra;
    }

    private void reject(Context ctx, String reason, Problem problem, List<String> types, int tasksWithoutType) {
        metrics.rejected(reason, types, tasksWithoutType);
        if (problem.status() == 401) {
            log.warn("{} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), problem.summary());
        } else {
            log.info("{} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), problem.summary());
        }
        problem.writeTo(ctx);
    }

    /** The body, or null when it is larger than the limit (read no further than one byte past it). */
    private byte[] readBody(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            return null;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            return body.length > maxBodyBytes ? null : body;
        }
    }

    private static String syntaxProblem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        return message.startsWith("Trailing token") ? "more content follows the JSON value" : message;
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
