package dev.jobwire.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads service settings from environment variables ({@code JOBWIRE_*}), with documented
 * defaults, and fails fast with a message that names the variable and what was wrong.
 *
 * <p>Kafka client settings pass through unchanged: {@code JOBWIRE_KAFKA_SECURITY_PROTOCOL=SSL}
 * becomes {@code security.protocol=SSL}. That is how TLS and SASL are configured. Immutable.
 */
public final class Settings {
    public static final String PREFIX = "JOBWIRE_";
    public static final String KAFKA_PREFIX = PREFIX + "KAFKA_";

    private final Map<String, String> env;

    public Settings(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    /** The raw value of {@code JOBWIRE_<name>}, or null. */
    public String raw(String name) {
        String value = env.get(PREFIX + name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String string(String name, String defaultValue) {
        String value = raw(name);
        return value == null ? defaultValue : value;
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw invalid(name, value, "a whole number from " + min + " to " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw invalid(name, value, "a whole number from " + min + " to " + max);
        }
    }

    public double decimal(String name, double defaultValue, double min, double max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (!(parsed >= min && parsed <= max)) {
                throw invalid(name, value, "a number from " + min + " to " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw invalid(name, value, "a number from " + min + " to " + max);
        }
    }

    public boolean bool(String name, boolean defaultValue) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw invalid(name, value, "true or false");
        };
    }

    /** A duration as ISO-8601 ({@code PT30S}) or a number with a unit: {@code 250ms}, {@code 30s}, {@code 5m}. */
    public Duration duration(String name, Duration defaultValue) {
        String value = raw(name);
        return value == null ? defaultValue : parseDuration(PREFIX + name, value);
    }

    public static Duration parseDuration(String what, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(what + "='" + value + "' is not a duration: use e.g. 250ms, 30s, 5m or PT30S");
        }
    }

    /** Kafka client properties from every {@code JOBWIRE_KAFKA_*} variable, sorted by name. */
    public Properties kafkaClientProperties() {
        Map<String, String> sorted = new TreeMap<>();
        env.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length()) {
                sorted.put(key.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        Properties properties = new Properties();
        properties.putAll(sorted);
        return properties;
    }

    private static IllegalArgumentException invalid(String name, String value, String expected) {
        return new IllegalArgumentException(PREFIX + name + "='" + value + "' is invalid: expected " + expected);
    }
}
