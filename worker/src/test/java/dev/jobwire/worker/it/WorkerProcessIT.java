package dev.jobwire.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.TopicNames;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker as a real process: killed with SIGKILL mid-load and restarted, no task is left
 * unexecuted; stopped with SIGTERM, it commits everything and exits 0. Tasks are real HTTP calls
 * ({@code http.call}) to a recording server in this JVM, which sees every execution.
 */
@ExtendWith(RealKafkaExtension.class)
class WorkerProcessIT {
    private static final int TASKS = 3000;

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
    void aKilledWorkerLosesNoTaskAndAGracefulStopCommitsAndExitsZero(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("crash", 6);
        kafka.createTopic(TopicNames.deadLetterTopicFor(topic), 1, Map.of());
        String group = kafka.uniqueGroupId("crash");
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            for (int i = 0; i < TASKS; i++) {
                tasks.publish("http.call", calls.taskPayload(i));
            }
            tasks.flush();
        }

        Process first = startWorker(kafka, topic, group, "first");
        await().atMost(Duration.ofSeconds(90)).until(() -> calls.distinct() >= 600);
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no commit
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int executedBeforeKill = calls.distinct();
        assertThat(executedBeforeKill).isLessThan(TASKS);

        Process second = startWorker(kafka, topic, group, "second");
        await().atMost(Duration.ofSeconds(120)).until(() -> calls.distinct() == TASKS);
        int duplicates = calls.duplicates();
        System.out.printf("SIGKILL mid-load: %d of %d tasks executed before the kill, all %d executed after the restart,"
                + " %d duplicate executions (work in flight or finished but not yet committed at the kill)%n",
                executedBeforeKill, TASKS, TASKS, duplicates);

        second.destroy(); // SIGTERM: graceful stop
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();
        assertThat(Workers.uncommitted(kafka, group, topic, 6)).isZero();
        assertThat(kafka.read(TopicNames.deadLetterTopicFor(topic), 1, Duration.ofSeconds(1))).isEmpty();
    }

    private static Process startWorker(TestKafka kafka, String topic, String group, String name) throws Exception {
        Map<String, String> env = Workers.env(kafka, topic, group);
        env.put("JOBWIRE_INSTANCE_ID", name);
        env.put("JOBWIRE_HTTP_PORT", "0");
        env.put("JOBWIRE_MAX_IN_FLIGHT", "32");
        env.put("JOBWIRE_COMMIT_INTERVAL", "500ms");
        return Workers.startProcess("worker-process-" + name, env);
    }
}
