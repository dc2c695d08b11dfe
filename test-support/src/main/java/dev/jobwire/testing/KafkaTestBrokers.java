package dev.jobwire.testing;

import dev.jobwire.broker.KraftBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.utils.internals.Exit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts the one broker a test JVM uses, in the mode chosen by the system property
 * {@value #MODE_PROPERTY}: {@code embedded} (default, an in-JVM KRaft broker from Kafka's jars) or
 * {@code testcontainers} (Kafka in a container; needs a Docker engine).
 */
final class KafkaTestBrokers {
    static final String MODE_PROPERTY = "jobwire.test.broker";
    static final String IMAGE_PROPERTY = "jobwire.test.kafka-image";
    static final String DEFAULT_IMAGE = "apache/kafka:4.4.0";

    private KafkaTestBrokers() {
    }

    static String mode() {
        String mode = System.getProperty(MODE_PROPERTY, "embedded").trim();
        return mode.isEmpty() ? "embedded" : mode;
    }

    /** Why the chosen mode cannot run here, or null when it can. */
    static String unavailableReason() {
        if ("testcontainers".equals(mode()) && !DockerClientFactory.instance().isDockerAvailable()) {
            return "-D" + MODE_PROPERTY + "=testcontainers asks for Kafka in a container, but no Docker engine answers here";
        }
        return null;
    }

    /** A started broker and what stops it. */
    record Started(TestKafka kafka, AutoCloseable stopper) {
    }

    static Started start() {
        return switch (mode()) {
            case "embedded" -> startEmbedded();
            case "testcontainers" -> startContainer();
            default -> throw new IllegalArgumentException(
                    "unknown -D" + MODE_PROPERTY + "=" + mode() + " (use embedded or testcontainers)");
        };
    }

    private static Started startEmbedded() {
        // Kafka halts the JVM on fatal errors; in a test JVM that would kill Surefire's fork with no
        // explanation. Throwing instead turns it into a readable test failure.
        Exit.setHaltProcedure((status, message) -> {
            throw new IllegalStateException("Kafka broker called halt(" + status + "): " + message);
        });
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("Kafka broker called exit(" + status + "): " + message);
        });
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("jobwire-test-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KraftBroker broker = KraftBroker.start(dataDir, 0, Map.of(), Duration.ofSeconds(60));
        return new Started(new TestKafka(broker.bootstrapServers(), "embedded KRaft broker at " + broker.bootstrapServers()),
                () -> {
                    broker.close();
                    deleteRecursively(dataDir);
                });
    }

    private static Started startContainer() {
        String image = System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"));
        container.start();
        return new Started(new TestKafka(container.getBootstrapServers(), "Testcontainers Kafka " + image), container::stop);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
