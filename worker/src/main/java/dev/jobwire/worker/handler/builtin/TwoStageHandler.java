package dev.jobwire.worker.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.worker.handler.Task;
import dev.jobwire.worker.handler.TaskContext;
import dev.jobwire.worker.handler.TaskHandler;
import java.net.http.HttpClient;

/**
 * {@code http.then-cpu}: an HTTP call on the task's virtual thread, then a CPU step on the
 * core-sized pool: the mini-challenge pipeline. Payload: {@code http.call}'s fields plus
 * {@code "cpuMs"}. Thread-safe.
 */
public final class TwoStageHandler implements TaskHandler {
    public static final String TYPE = "http.then-cpu";
    private final HttpClient client;

    public TwoStageHandler(HttpClient client) {
        this.client = client;
    }

    @Override
    public void handle(Task task, TaskContext context) throws Exception {
        JsonNode spec = Payloads.json(task);
        long cpuMs = Payloads.millis(spec, "cpuMs", 2);
        HttpCallHandler.call(client, spec);
        context.cpu(() -> CpuWork.hashFor(cpuMs));
    }
}
