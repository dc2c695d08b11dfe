package dev.jobwire.worker.config;

import dev.jobwire.config.Settings;
import dev.jobwire.wire.TaskTypes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses per-type policy overrides from one setting ({@code JOBWIRE_TYPE_POLICIES}):
 * {@code http.call:max-attempts=2,attempt-timeout=200ms;fail.always:breaker-failure-rate=0}. Types are
 * separated by ';', settings by ','; anything not named keeps the default.
 */
public final class TypePolicyOverrides {
    private TypePolicyOverrides() {
    }

    public static Map<String, TaskTypePolicy> parse(String spec, TaskTypePolicy defaults) {
        Map<String, TaskTypePolicy> result = new LinkedHashMap<>();
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.lastIndexOf(':', entry.indexOf('=') < 0 ? entry.length() : entry.indexOf('='));
            if (colon <= 0) {
                throw invalid(entry, "expected TYPE:setting=value,...");
            }
            String type = entry.substring(0, colon).trim();
            String problem = TaskTypes.problem(type);
            if (problem != null) {
                throw invalid(entry, problem);
            }
            TaskTypePolicy.Builder policy = result.getOrDefault(type, defaults).toBuilder();
            try {
                for (String setting : entry.substring(colon + 1).split(",")) {
                    String[] kv = setting.split("=", 2);
                    if (kv.length != 2) {
                        throw new IllegalArgumentException("'" + setting.trim() + "' is not setting=value");
                    }
                    apply(policy, kv[0].trim(), kv[1].trim());
                }
                result.put(type, policy.build());
            } catch (IllegalArgumentException e) {
                throw invalid(entry, e.getMessage());
            }
        }
        return result;
    }

    private static void apply(TaskTypePolicy.Builder b, String name, String value) {
        switch (name) {
            case "max-attempts" -> b.maxAttempts(Integer.parseInt(value));
            case "backoff-initial" -> b.backoffInitial(d(name, value));
            case "backoff-max" -> b.backoffMax(d(name, value));
            case "jitter" -> b.jitter(Double.parseDouble(value));
            case "attempt-timeout" -> b.attemptTimeout(d(name, value));
            case "max-task-duration" -> b.maxTaskDuration(d(name, value));
            case "concurrency-limit" -> b.concurrencyLimit(Integer.parseInt(value));
            case "rate-per-second" -> b.ratePerSecond(Double.parseDouble(value));
            case "breaker-failure-rate" -> b.breakerFailureRate(Integer.parseInt(value));
            case "breaker-min-attempts" -> b.breakerMinAttempts(Integer.parseInt(value));
            case "breaker-period" -> b.breakerPeriod(d(name, value));
            case "breaker-delay" -> b.breakerDelay(d(name, value));
            default -> throw new IllegalArgumentException("unknown setting '" + name + "'");
        }
    }

    private static Duration d(String name, String value) {
        return Settings.parseDuration(name, value);
    }

    private static IllegalArgumentException invalid(String entry, String why) {
        return new IllegalArgumentException("JOBWIRE_TYPE_POLICIES entry '" + entry.trim() + "' is invalid: " + why);
    }
}
