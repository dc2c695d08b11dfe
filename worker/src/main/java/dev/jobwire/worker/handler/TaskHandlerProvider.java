package dev.jobwire.worker.handler;

import java.util.Map;

/**
 * Plug-in discovery: list implementations in
 * {@code META-INF/services/dev.jobwire.worker.handler.TaskHandlerProvider} and put the jar on the
 * worker's classpath. The worker loads every provider with {@link java.util.ServiceLoader}.
 */
public interface TaskHandlerProvider {
    /** Task type to handler. */
    Map<String, TaskHandler> handlers();
}
