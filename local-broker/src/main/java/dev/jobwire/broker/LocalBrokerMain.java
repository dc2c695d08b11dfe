package dev.jobwire.broker;

import dev.jobwire.wire.TopicNames;
import dev.jobwire.wire.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Runs a local single-node broker until SIGTERM or Ctrl-C.
 *
 * <pre>
 * LocalBrokerMain [--data-dir DIR] [--port N] [--topic NAME:PARTITIONS]... [--bootstrap-file FILE]
 * </pre>
 *
 * Creates the default task topic and its dead-letter topic unless topics are named. When ready it
 * prints {@code bootstrap.servers=HOST:PORT} and writes the same address to the bootstrap file,
 * which scripts wait for.
 */
public final class LocalBrokerMain {
    private LocalBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(".jobwire/kafka");
        int port = 9092;
        Path bootstrapFile = null;
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--data-dir" -> dataDir = Path.of(require(arg, value));
                case "--port" -> port = Integer.parseInt(require(arg, value));
                case "--bootstrap-file" -> bootstrapFile = Path.of(require(arg, value));
                case "--topic" -> {
                    String[] parts = require(arg, value).split(":");
                    topics.put(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 12);
                }
                case "--help", "-h" -> {
                    System.out.println("usage: LocalBrokerMain [--data-dir DIR] [--port N] [--topic NAME:PARTITIONS]... "
                            + "[--bootstrap-file FILE]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "' (try --help)");
            }
            i++;
        }
        if (topics.isEmpty()) {
            topics.put(TopicNames.DEFAULT_TASK_TOPIC, 12);
            topics.put(TopicNames.deadLetterTopicFor(TopicNames.DEFAULT_TASK_TOPIC), 3);
        }

        KraftBroker broker = KraftBroker.start(dataDir, port, Map.of(), Duration.ofSeconds(60));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicProvisioner.ensure(admin, topics, (short) 1, Map.of());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        if (bootstrapFile != null) {
            Files.writeString(bootstrapFile, broker.bootstrapServers() + "\n", StandardCharsets.UTF_8);
        }
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return value;
    }
}
