package dev.jobwire.producer.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Checks {@code -X} names against the Kafka producer's own configuration names, so a typo is an
 * error instead of a setting the client silently ignores. A name that extends a known one with a
 * dot ({@code config.providers.file.class}) is a plugin's own setting and passes. Stateless.
 */
final class KafkaPropertyNames {
    private static final Set<String> KNOWN = ProducerConfig.configNames();

    private KafkaPropertyNames() {
    }

    /** @throws IllegalArgumentException naming the first unknown property, with the closest known name */
    static void requireKnown(Collection<String> names) {
        for (String name : names) {
            if (KNOWN.contains(name) || KNOWN.stream().anyMatch(known -> name.startsWith(known + "."))) {
                continue;
            }
            String closest = KNOWN.stream().min(Comparator.comparingInt(known -> distance(name, known))).orElseThrow();
            throw new IllegalArgumentException("unknown Kafka producer property '" + name + "' (-X)"
                    + (distance(name, closest) <= Math.max(2, name.length() / 4) ? ": did you mean '" + closest + "'?" : ".")
                    + " Known names: https://kafka.apache.org/documentation/#producerconfigs");
        }
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
