package dev.jobwire.worker.execution;

import dev.jobwire.worker.config.TaskTypePolicy;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link TypePolicies} of every task type. Those of every type with a handler or an override
 * are built at construction, so a setting Failsafe refuses stops the worker at start-up, naming
 * the setting, instead of failing the type's first task; a type seen only later (no handler: its
 * tasks are dead-lettered) shares the defaults' policies.
 *
 * <p>Thread-safe: built once, read by every task thread.
 */
public final class PolicyRegistry {
    private final TypePolicies defaults;
    private final Map<String, TypePolicies> byType;

    /**
     * @param handlerTypes types with a handler; each gets its own breaker, bulkhead and rate limiter
     * @throws IllegalArgumentException naming the setting (JOBWIRE_... or the JOBWIRE_TYPE_POLICIES
     *                                  entry) whose value Failsafe refuses
     */
    public PolicyRegistry(TaskTypePolicy defaults, Map<String, TaskTypePolicy> overrides, Collection<String> handlerTypes) {
        this.defaults = build(defaults, "the JOBWIRE_BACKOFF_*/JOBWIRE_BREAKER_* defaults");
        Map<String, TypePolicies> built = new HashMap<>();
        for (String type : handlerTypes) {
            TaskTypePolicy override = overrides.get(type);
            built.put(type, override == null ? build(defaults, "the defaults (type " + type + ")")
                    : build(override, "JOBWIRE_TYPE_POLICIES entry for '" + type + "'"));
        }
        overrides.forEach((type, policy) -> built.computeIfAbsent(type,
                t -> build(policy, "JOBWIRE_TYPE_POLICIES entry for '" + t + "'")));
        this.byType = new ConcurrentHashMap<>(built);
    }

    private static TypePolicies build(TaskTypePolicy policy, String source) {
        try {
            return TypePolicies.of(policy);
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new IllegalArgumentException(source + " is invalid: " + e.getMessage(), e);
        }
    }

    public TypePolicies forType(String type) {
        TypePolicies policies = byType.get(type);
        return policies != null ? policies : defaults;
    }
}
