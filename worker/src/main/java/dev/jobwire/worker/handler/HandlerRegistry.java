package dev.jobwire.worker.handler;

import dev.jobwire.wire.TaskTypes;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Task type to handler. Register programmatically or through {@link TaskHandlerProvider}s found
 * by {@link ServiceLoader}. Thread-safe; registering a type twice is an error, because a silent
 * override would route tasks to the wrong code.
 */
public final class HandlerRegistry {
    private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();

    /** A registry holding every handler that the class path's providers offer. */
    public static HandlerRegistry discover() {
        HandlerRegistry registry = new HandlerRegistry();
        for (TaskHandlerProvider provider : ServiceLoader.load(TaskHandlerProvider.class)) {
            provider.handlers().forEach(registry::register);
        }
        return registry;
    }

    /**
     * @throws IllegalArgumentException if the type is invalid or already registered
     */
    public HandlerRegistry register(String type, TaskHandler handler) {
        TaskTypes.requireValid(type);
        if (handlers.putIfAbsent(type, handler) != null) {
            throw new IllegalArgumentException("a handler for task type '" + type + "' is already registered");
        }
        return this;
    }

    /** The handler for {@code type}, or null when none is registered. */
    public TaskHandler find(String type) {
        return handlers.get(type);
    }

    public Set<String> types() {
        return new TreeSet<>(handlers.keySet());
    }
}
