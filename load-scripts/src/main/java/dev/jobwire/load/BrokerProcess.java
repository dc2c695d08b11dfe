package dev.jobwire.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka broker a scenario runs against: a fresh local single-node broker in a child process
 * (so its memory and GC stay out of the worker's measurements), or an existing one given by
 * address. Closing stops the child and deletes its data.
 */
public final class BrokerProcess implements AutoCloseable {
    private final String bootstrapServers;
    private final Process process;
    private final Path dataDir;

    private BrokerProcess(String bootstrapServers, Process process, Path dataDir) {
        this.bootstrapServers = bootstrapServers;
        this.process = process;
        this.dataDir = dataDir;
    }

    public static BrokerProcess existing(String bootstrapServers) {
        return new BrokerProcess(bootstrapServers, null, null);
    }

    /** Starts a broker from this JVM's class path (which holds Kafka's server jars) and waits until it is ready. */
    public static BrokerProcess startLocal() throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("jobwire-load-kafka");
        Path bootstrapFile = dataDir.resolve("bootstrap.txt");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xms256m", "-Xmx512m",
                "-Dlogback.configurationFile=" + System.getProperty("jobwire.quiet-log-config", ""),
                "-cp", System.getProperty("java.class.path"), "dev.jobwire.broker.LocalBrokerMain",
                "--data-dir", dataDir.toString(), "--port", "0", "--topic", "jobwire.load-ready:1",
                "--bootstrap-file", bootstrapFile.toString());
        builder.redirectErrorStream(true).redirectOutput(dataDir.resolve("broker.log").toFile());
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(bootstrapFile) || Files.size(bootstrapFile) == 0) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("local Kafka broker did not start; its log: " + dataDir.resolve("broker.log"));
            }
            Thread.sleep(100);
        }
        String bootstrap = Files.readString(bootstrapFile, StandardCharsets.UTF_8).trim();
        return new BrokerProcess(bootstrap, process, dataDir);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() throws Exception {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
