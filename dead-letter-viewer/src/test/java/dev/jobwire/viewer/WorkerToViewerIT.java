package dev.jobwire.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.config.Settings;
import dev.jobwire.producer.PublisherConfig;
import dev.jobwire.producer.TaskPublisher;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.HeaderValues;
import dev.jobwire.wire.TaskHeaders;
import dev.jobwire.worker.Worker;
import dev.jobwire.worker.config.WorkerConfig;
import dev.jobwire.worker.handler.HandlerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole loop with real parts: the producer publishes, a real worker fails the tasks and writes
 * dead letters, the viewer lists and groups them, and after the "dependency" recovers a replay
 * from the viewer puts them back where a worker runs them.
 */
@ExtendWith(RealKafkaExtension.class)
class WorkerToViewerIT {

    @Test
    void deadLettersWrittenByTheWorkerAreShownGroupedAndReplayedToAWorker(TestKafka kafka) throws Exception {
        String topic = "charges-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, 3, Map.of());
        kafka.createTopic(topic + ".dlt", 1, Map.of());

        AtomicBoolean providerUp = new AtomicBoolean(false);
        Set<String> charged = ConcurrentHashMap.newKeySet();
        HandlerRegistry handlers = new HandlerRegistry().register("payment.charge", (task, context) -> {
            if (!providerUp.get()) {
                throw new IOException("payment provider unreachable (attempt " + context.attempt() + ")");
            }
            charged.add(task.id());
        });
        Worker worker = new Worker(WorkerConfig.from(new Settings(Map.of(
                "JOBWIRE_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "JOBWIRE_TOPICS", topic,
                "JOBWIRE_GROUP_ID", "charges-" + topic,
                "JOBWIRE_INSTANCE_ID", "worker-e2e",
                "JOBWIRE_CREATE_TOPICS", "false",
                "JOBWIRE_BACKOFF_INITIAL", "10ms",
                "JOBWIRE_TYPE_POLICIES", "payment.charge:max-attempts=2,breaker-failure-rate=0"))),
                handlers, new SimpleMeterRegistry()).start();
        List<String> ids = new ArrayList<>();
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build());
                ViewerServer viewer = ViewerServer.start(ViewerTestSupport.config(kafka, topic + ".dlt"))) {
            for (int i = 0; i < 3; i++) {
                ids.add(publisher.publish(TaskRequest.builder("payment.charge").key("order-" + i)
                        .payload("{\"order\":" + i + ",\"cents\":1200}").build()).get().taskId());
            }
            ViewerTestSupport.Api api = new ViewerTestSupport.Api(viewer);

            // Listed with what the worker recorded.
            await().atMost(Duration.ofSeconds(60)).until(() -> api.getJson("/api/dead-letters").path("total").asInt() == 3);
            JsonNode items = api.getJson("/api/dead-letters").path("items");
            for (JsonNode item : items) {
                assertThat(item.path("taskType").asText()).isEqualTo("payment.charge");
                assertThat(item.path("reason").asText()).isEqualTo("RETRIES_EXHAUSTED");
                assertThat(item.path("exceptionClass").asText()).isEqualTo("java.io.IOException");
                assertThat(item.path("message").asText()).isEqualTo("payment provider unreachable (attempt 2)");
                assertThat(item.path("attempts").asInt()).isEqualTo(2);
                assertThat(item.path("originalTopic").asText()).isEqualTo(topic);
                assertThat(ids).contains(item.path("taskId").asText());
            }
            String ref = items.get(0).path("ref").asText();
            JsonNode detail = api.getJson("/api/dead-letters/" + ref);
            assertThat(detail.path("worker").asText()).isEqualTo("worker-e2e");
            assertThat(detail.path("attemptHistory")).hasSize(2);
            assertThat(detail.path("stackTrace").asText()).startsWith("java.io.IOException: payment provider unreachable");

            // One group: the attempt number in the message is masked by the fingerprint.
            JsonNode groups = api.getJson("/api/groups").path("groups");
            assertThat(groups).hasSize(1);
            assertThat(groups.get(0).path("count").asInt()).isEqualTo(3);

            // The provider is back: replay the whole group; a worker runs every task.
            providerUp.set(true);
            JsonNode job = api.act("/api/replay", Map.of("group", groups.get(0).path("id").asText()));
            String jobId = job.path("id").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> api.getJson("/api/replays/" + jobId).path("state").asText().equals("DONE"));
            await().atMost(Duration.ofSeconds(60)).until(() -> charged.containsAll(ids));

            List<ConsumerRecord<byte[], byte[]>> onTopic = kafka.read(topic, 6, Duration.ofSeconds(30));
            long replayed = onTopic.stream()
                    .filter(r -> "1".equals(HeaderValues.last(r.headers(), TaskHeaders.REPLAY_COUNT)))
                    .filter(r -> HeaderValues.last(r.headers(), TaskHeaders.REPLAY_OF).startsWith(topic + ".dlt/"))
                    .count();
            assertThat(replayed).isEqualTo(3);
        } finally {
            worker.close();
        }
    }
}
