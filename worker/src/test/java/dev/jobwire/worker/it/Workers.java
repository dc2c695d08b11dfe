package dev.jobwire.worker.it;

import dev.jobwire.config.Settings;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.worker.Worker;
import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.handler.HandlerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Starts in-JVM workers against the test broker, configured as the service would be from its environment. */
final class Workers {
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
