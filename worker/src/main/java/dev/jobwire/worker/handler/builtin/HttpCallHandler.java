package dev.jobwire.worker.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.worker.handler.NonRetryableException;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskContext;
import dev.jobwire.worker.handler.TaskHandler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code http.call}: one HTTP request, a real I/O task. Payload:
 * {@code {"url":"http://host/path","method":"GET","timeoutMs":5000,"body":"..."}}.
 *
 * <p>A 2xx answer succeeds; 408, 429 and 5xx fail the attempt (retryable); other 4xx are not
 * worth retrying. Cancellation aborts the request in flight. Thread-safe.
 */
public final class HttpCallHandler implements TaskHandler {
    public static final String TYPE = "http.call";
    private static final long DEFAULT_TIMEOUT_MS = 5_000;

    private final HttpClient client;

    public HttpCallHandler(HttpClient client) {
        this.client = client;
    }

    @Override
    public void handle(Task task, TaskContext context) throws Exception {
        call(client, Payloads.json(task));
    }

    /** Sends the request described by {@code spec} and checks the answer. */
    static int call(HttpClient client, JsonNode spec) throws Exception {
        URI uri;
        try {
            uri = URI.create(Payloads.requiredText(spec, "url"));
        } catch (IllegalArgumentException e) {
            throw new NonRetryableException("payload field 'url' is not a URI: " + e.getMessage(), e);
        }
        String method = spec.path("method").asText("GET");
        long timeoutMs = Payloads.millis(spec, "timeoutMs", DEFAULT_TIMEOUT_MS);
        JsonNode body = spec.path("body");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(timeoutMs))
                .method(method, body.isMissingNode() || body.isNull()
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.isTextual() ? body.asText() : body.toString()))
                .build();

        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        int status;
        try {
            status = response.get().statusCode();
        } catch (InterruptedException e) {
            response.cancel(true); // aborts the exchange: the connection does not outlive the task
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(method + " " + uri + " failed: " + cause, cause);
        }
        if (status >= 200 && status < 300) {
            return status;
        }
        String message = method + " " + uri + " answered " + status;
        if (status == 408 || status == 429 || status >= 500) {
            throw new IOException(message);
        }
        throw new NonRetryableException(message);
    }
}
