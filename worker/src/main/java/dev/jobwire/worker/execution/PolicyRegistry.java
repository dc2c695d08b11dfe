package dev.jobwire.worker.execution;

import dev.jobwire.worker.config.TaskTypePolicy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link TypePolicies} of every task type, built on first use from the type's overrides or the
 * defaults. Thread-safe.
 */
public final class PolicyRegistry {
    private final TaskTypePolicy defaults;
    private final Map<String, TaskTypePolicy> overrides;
    private final Map<String, TypePolicies> built = new ConcurrentHashMap<>();

    public PolicyRegistry(TaskTypePolicy defaults, Map<String, TaskTypePolicy> overrides) {
        this.defaults = defaults;
        this.overrides = Map.copyOf(overrides);
    }

    public TypePolicies forType(String type) {
        return built.computeIfAbsent(type, t -> TypePolicies.of(overrides.getOrDefault(t, defaults)));
    }
}
