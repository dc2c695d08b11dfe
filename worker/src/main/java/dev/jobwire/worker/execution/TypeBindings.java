package dev.jobwire.worker.execution;

import dev.jobwire.worker.handler.HandlerRegistry;
import dev.jobwire.worker.handler.TaskHandler;
import dev.jobwire.worker.metrics.WorkerMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the worker keeps per task type (handler, policies, meters), found with one lookup
 * per task. Types without a handler are bound too (their handler is null): their tasks are
 * dead-lettered, and their meters are the {@code unknown} ones, so bad input cannot grow the
 * meter names without bound.
 *
 * <p>Thread-safe: bindings are immutable, made once per type.
 */
public final class TypeBindings {
    /** One task type's handler (null when none is registered), policies and meters. */
    public record Binding(String type, TaskHandler handler, TypePolicies policies, WorkerMetrics.TypeMeters meters) {
    }

    private final HandlerRegistry handlers;
    private final PolicyRegistry policies;
    private final WorkerMetrics metrics;
    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();

    public TypeBindings(HandlerRegistry handlers, PolicyRegistry policies, WorkerMetrics metrics) {
        this.handlers = handlers;
        this.policies = policies;
        this.metrics = metrics;
    }

    public Binding of(String type) {
        Binding binding = bindings.get(type);
        if (binding != null) {
            return binding;
        }
        binding = bind(type);
        // Only types with a handler are kept: any string can arrive as a type.
        return binding.handler() == null ? binding : bindings.computeIfAbsent(type, t -> bind(t));
    }

    private Binding bind(String type) {
        TaskHandler handler = handlers.find(type);
        return new Binding(type, handler, policies.forType(type),
                metrics.forType(handler == null ? WorkerMetrics.UNKNOWN_TYPE : type));
    }

    /** The registered types, for messages. */
    public java.util.Set<String> handledTypes() {
        return handlers.types();
    }
}
