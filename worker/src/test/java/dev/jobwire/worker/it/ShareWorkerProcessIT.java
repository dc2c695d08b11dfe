package dev.jobwire.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.TopicNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Share-mode workers as real processes: one of two is killed with SIGKILL mid-load; the other runs
 * everything, including what the dead one held once its locks expire, so no task is lost and the
 * duplicates are at most what the dead one had acquired at once (its max in flight). Tasks are real
 * HTTP calls ({@code http.call}) to a recording server in this JVM, which sees every execution.
 */
@ExtendWith(RealKafkaExtension.class)
class ShareWorkerProcessIT {
    private static final int TASKS = 2000;
    private static final int MAX_IN_FLIGHT = 16;

    private CallRecorder calls;

    @BeforeEach
    void startRecorder() throws Exception {
        calls = new CallRecorder(5); // a little latency, so work is in flight when the kill comes
    }

    @AfterEach
    void stopRecorder() {
        calls.close();
    }

    @Test
    void aKilledShareWorkerLosesNoTaskAndItsDuplicatesAreBoundedByWhatItHeld(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("share-crash", 2);
        kafka.createTopic(TopicNames.deadLetterTopicFor(topic), 1, Map.of());
        String group = kafka.uniqueGroupId("share-crash");
        // The shortest lock the broker allows, so the dead worker's records come back sooner.
        try (Admin admin = kafka.admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("share.record.lock.duration.ms", "15000"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            for (int i = 0; i < TASKS; i++) {
                tasks.publish("http.call", calls.taskPayload(i));
            }
            tasks.flush();
        }

        Process victim = startWorker(kafka, topic, group, "victim");
        Process survivor = startWorker(kafka, topic, group, "survivor");
        await().atMost(Duration.ofSeconds(120)).until(() -> calls.distinct() >= TASKS / 4);
        victim.destroyForcibly(); // SIGKILL: no shutdown hook, nothing acknowledged or released
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int executedBeforeKill = calls.distinct();
        assertThat(executedBeforeKill).isLessThan(TASKS);

        await().atMost(Duration.ofSeconds(180)).until(() -> calls.distinct() == TASKS);
        int duplicates = calls.duplicates();
        System.out.printf("share mode, SIGKILL of one of two workers: %d of %d tasks executed before the kill, all %d after,"
                + " %d duplicate executions (at most %d: what the killed worker held)%n", executedBeforeKill, TASKS, TASKS,
                duplicates, MAX_IN_FLIGHT);
        assertThat(duplicates).isLessThanOrEqualTo(MAX_IN_FLIGHT);

        survivor.destroy(); // SIGTERM: graceful stop
        assertThat(survivor.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(survivor.exitValue()).isZero();
        assertThat(calls.total()).isEqualTo(TASKS + duplicates);
        assertThat(kafka.read(TopicNames.deadLetterTopicFor(topic), 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void perKeyOrderingIsRefusedInShareModeAtStartUp(TestKafka kafka) throws Exception {
        ProcessBuilder builder = worker(kafka, "no-topic", kafka.uniqueGroupId("refused"), "refused");
        builder.environment().put("JOBWIRE_ORDERING", "key");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        String log = Files.readString(Path.of("target", "share-worker-process-refused.log"));
        assertThat(log).contains("JOBWIRE_ORDERING=key").contains("JOBWIRE_CONSUMER_MODE=share");
    }

    private static Process startWorker(TestKafka kafka, String topic, String group, String name) throws Exception {
        return Workers.startProcess("share-worker-process-" + name, env(kafka, topic, group, name));
    }

    private static ProcessBuilder worker(TestKafka kafka, String topic, String group, String name) throws Exception {
        return Workers.process("share-worker-process-" + name, env(kafka, topic, group, name));
    }

    private static Map<String, String> env(TestKafka kafka, String topic, String group, String name) {
        Map<String, String> env = Workers.env(kafka, topic, group);
        env.put("JOBWIRE_CONSUMER_MODE", "share");
        env.put("JOBWIRE_INSTANCE_ID", name);
        env.put("JOBWIRE_HTTP_PORT", "0");
        env.put("JOBWIRE_MAX_IN_FLIGHT", Integer.toString(MAX_IN_FLIGHT));
        return env;
    }
}
