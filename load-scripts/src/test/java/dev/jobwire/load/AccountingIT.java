package dev.jobwire.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import dev.jobwire.producer.TaskRequest;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The accounting of the load scenarios against a real broker and worker: tasks whose calls time
 * out, that fail for good or have no handler are dead-lettered, and count as accounted for beside
 * the successes; only a task with no outcome at all is missing.
 */
@ExtendWith(RealKafkaExtension.class)
class AccountingIT {
    /** Far beyond what 30 tasks need on a slow machine; the wait ends as soon as all are accounted for. */
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    @Test
    void timedOutFailedAndUnknownTasksAreAccountedForOnlyTasksWithoutOutcomeAreMissing(TestKafka kafka) throws Exception {
        try (Harness h = new Harness(kafka.bootstrapServers(), true, Map.of());
                StandInService slow = new StandInService(300, 300, 0, 100)) {
            String topic = h.createTopic("accounting-it", 3);
            DeadLetterWatch dead = h.watchDeadLetters(topic);
            Map<String, String> env = h.workerEnv(topic, h.group("accounting-it"));
            env.put("JOBWIRE_MAX_ATTEMPTS", "2");
            env.put("JOBWIRE_BACKOFF_INITIAL", "10ms");
            env.put("JOBWIRE_BREAKER_FAILURE_RATE", "0");
            Completions done = new Completions(30, true);
            h.startWorker(env, done);

            List<String> ids = h.publish(topic, 30, i -> switch (i % 6) {
                // The stand-in answers after 300 ms; the call gives up at 50 ms, on both attempts.
                case 0 -> TaskRequest.builder("http.call").payload("{\"url\":\"" + slow.url() + "\",\"timeoutMs\":50}").build();
                case 1 -> TaskRequest.builder("fail.always").payload("{\"message\":\"for good\"}").build();
                case 2 -> TaskRequest.builder("accounting-it.no-such-type").payload("{}").build();
                default -> TaskRequest.builder("noop").payload("{}").build();
            });
            // Every outcome arrives (counted apart from the accounting under test) ...
            await().atMost(PATIENCE).until(() -> done.succeeded() >= 15 && dead.records() >= 15);
            // ... and the accounting finds every task accounted for: the timed-out ones too.
            Accounting accounting = Accounting.of("tasks", ids, done, dead, Accounting.Duplicates.FORBIDDEN);
            assertThat(accounting.await(Duration.ofSeconds(30))).isTrue();
            Report report = new Report("accounting-it");
            Accounting.Tally tally = accounting.check(report);
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(tally.succeeded()).isEqualTo(15);
            assertThat(tally.deadLetteredByReason()).containsOnly(entry("RETRIES_EXHAUSTED", 10L), entry("UNKNOWN_TYPE", 5L));
            assertThat(tally.missing()).isZero();
            assertThat(tally.line()).isEqualTo("30 tasks published: 15 succeeded, 15 dead-lettered"
                    + " (10 RETRIES_EXHAUSTED, 5 UNKNOWN_TYPE) — all 30 accounted for");

            List<String> withOneNeverPublished = new ArrayList<>(ids);
            withOneNeverPublished.add("never-published");
            Accounting withLost = Accounting.of("tasks", withOneNeverPublished, done, dead, Accounting.Duplicates.FORBIDDEN);
            assertThat(withLost.await(Duration.ofMillis(200))).isFalse();
            Report lost = new Report("accounting-it");
            assertThat(withLost.check(lost).missingSample()).containsExactly("never-published");
            assertThat(lost.ok()).isFalse();
        }
    }
}
