package dev.jobwire.worker.it;

import static org.awaitility.Awaitility.await;

import dev.jobwire.config.Settings;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.worker.Worker;
import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.handler.HandlerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Starts in-JVM workers against the test broker, configured as the service would be from its environment. */
final class Workers {
    /** Worker processes a test started: killed when the test JVM ends, should a failed test leave one running. */
    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
    }

    private Workers() {
    }

    static Map<String, String> env(TestKafka kafka, String topic, String group) {
        Map<String, String> env = new HashMap<>();
        env.put("JOBWIRE_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("JOBWIRE_TOPICS", topic);
        env.put("JOBWIRE_GROUP_ID", group);
        env.put("JOBWIRE_CREATE_TOPICS", "false");
        env.put("JOBWIRE_INSTANCE_ID", "it-" + group);
        env.put("JOBWIRE_BACKOFF_INITIAL", "20ms");
        env.put("JOBWIRE_BACKOFF_MAX", "100ms");
        env.put("JOBWIRE_COMMIT_INTERVAL", "200ms");
        env.put("JOBWIRE_SHUTDOWN_GRACE", "5s");
        env.put("JOBWIRE_REVOCATION_GRACE", "5s");
        return env;
    }

    /**
     * A worker as a process of its own ({@code WorkerMain} on this JVM's class path, 256 MB heap),
     * configured by {@code env}, its output in {@code target/<name>.log}.
     */
    static ProcessBuilder process(String name, Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Path.of("target", name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.jobwire.worker.WorkerMain");
        builder.environment().putAll(env);
        return builder.redirectErrorStream(true).redirectOutput(log.toFile());
    }

    /** Starts {@link #process} and says where its log is; it is killed at the latest when the tests end. */
    static Process startProcess(String name, Map<String, String> env) throws IOException {
        Process process = process(name, env).start();
        STARTED.add(process);
        System.out.println("started worker process " + name + " (pid " + process.pid() + "), log in "
                + Path.of("target", name + ".log").toAbsolutePath());
        return process;
    }

    /** The records of {@code topic} once there are at least {@code n}, read again until then (it may not exist yet). */
    static List<ConsumerRecord<byte[], byte[]>> awaitRecords(TestKafka kafka, String topic, int n, Duration patience) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        await().atMost(patience).until(() -> {
            records.clear();
            records.addAll(kafka.read(topic, n, Duration.ofMillis(500)));
            return records.size() >= n;
        });
        return records;
    }

    static Worker start(Map<String, String> env, HandlerRegistry handlers) throws Exception {
        return start(env, handlers, new SimpleMeterRegistry());
    }

    static Worker start(Map<String, String> env, HandlerRegistry handlers, MeterRegistry registry) throws Exception {
        return new Worker(WorkerConfig.from(new Settings(env)), handlers, registry).start();
    }

    /** Records a consumer group has committed minus the topic's end offsets: 0 when all is committed. */
    static long uncommitted(TestKafka kafka, String group, String topic, int partitions) throws Exception {
        return uncommitted(kafka.bootstrapServers(), group, topic, partitions);
    }

    static long uncommitted(String bootstrapServers, String group, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(30, TimeUnit.SECONDS);
            long gap = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                gap += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return gap;
        }
    }
}
