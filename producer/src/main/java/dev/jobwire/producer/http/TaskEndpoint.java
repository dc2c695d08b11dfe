package dev.jobwire.producer.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.producer.PublishReceipt;
import dev.jobwire.producer.TaskPublisher;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.producer.TaskTooLargeException;
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
 * Kafka unless all pass: bearer token (401), JSON content type (415), the body arriving within the
 * read timeout (408, connection closed), body size (413, before reading more than the limit), JSON
 * syntax (400 malformed-json), every field of every task (400 invalid-request with JSON Pointers),
 * every record's size against the producer's limit (413 record-too-large). Then the tasks are
 * published and the request waits up to the publish timeout (plus a second, so that the Kafka
 * client's own, more precise, failure usually arrives first); {@link PublishAnswer} says what it
 * answers then.
 *
 * <p>Thread-safe; responses are written on the publisher's callback threads.
 */
final class TaskEndpoint {
    private static final Logger log = LoggerFactory.getLogger(TaskEndpoint.class);

    private final TaskPublisher publisher;
    private final TaskJsonParser parser;
    private final BearerAuth auth;
    private final ProducerMetrics metrics;
    private final int maxBodyBytes;
    private final Duration publishTimeout;
    private final Duration readTimeout;

    TaskEndpoint(TaskPublisher publisher, TaskJsonParser parser, BearerAuth auth, ProducerMetrics metrics,
            int maxBodyBytes, Duration publishTimeout, Duration readTimeout) {
        this.publisher = publisher;
        this.parser = parser;
        this.auth = auth;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.publishTimeout = publishTimeout;
        this.readTimeout = readTimeout;
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
        byte[] body;
        try {
            body = readBody(ctx);
        } catch (IOException e) {
            if (!timedOut(e)) {
                throw e; // the client went away: nobody to answer
            }
            ctx.header("Connection", "close");
            reject(ctx, "request_timeout", Problem.of(408, "request-timeout", "Request Timeout",
                    "the request did not arrive in full within " + Durations.format(readTimeout)
                            + " (JOBWIRE_HTTP_READ_TIMEOUT)"), List.of(), 0);
            return;
        }
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
        } catch (TaskTooLargeException e) {
            List<FieldError> errors = e.problems().entrySet().stream()
                    .map(p -> new FieldError(batch ? "/" + p.getKey() : "", p.getValue())).toList();
            reject(ctx, "record_too_large", Problem.of(413, "record-too-large", "Record Too Large",
                    (errors.size() == 1 ? errors.getFirst().detail() : errors.size() + " tasks are too large; see errors")
                            + "; nothing was published").withErrors(errors), parsed.types(), 0);
            return;
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
        List<TaskOutcome> outcomes = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) {
            TaskOutcome outcome = TaskOutcome.of(futures.get(i), publishTimeout);
            if (outcome.isPublished()) {
                metrics.published(requests.get(i).type(), latency);
            } else {
                metrics.failed(requests.get(i).type(), outcome.metric(), latency);
            }
            outcomes.add(outcome);
        }
        PublishAnswer answer = PublishAnswer.of(batch, outcomes);
        if (answer.status() != 202) {
            log.warn("{} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), answer.summary());
        }
        answer.writeTo(ctx);
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

    /** Whether reading failed because the read deadline or the idle timeout passed. */
    private static boolean timedOut(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
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
