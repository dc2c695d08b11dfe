package dev.jobwire.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobwire.producer.DelayTopics;
import dev.jobwire.producer.WireAssertions;
import dev.jobwire.producer.internal.Json;
import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RealKafkaExtension.class)
class PublishCliIT {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void publishesOneTaskAndPrintsItsReceipt(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("cli-one", 3);
        Instant before = Instant.now();
        CliRun run = CliRun.run(Map.of(), "", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--type", "email.send", "--payload", "{\"to\":\"a@example.com\"}", "--key", "customer-42",
                "--header", "tenant=acme", "-H", "source=cli", "--deadline", "2099-01-01T00:00:00Z",
                "--traceparent", TRACEPARENT);

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        JsonNode receipt = Json.MAPPER.readTree(run.outLines().getFirst());
        assertThat(run.outLines()).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = kafka.read(topic, 1, Duration.ofSeconds(20)).getFirst();
        assertThat(receipt.get("topic").asText()).isEqualTo(topic);
        assertThat(receipt.get("partition").asInt()).isEqualTo(record.partition());
        assertThat(receipt.get("offset").asLong()).isEqualTo(record.offset());
        assertThat(Instant.parse(receipt.get("timestamp").asText()).toEpochMilli()).isEqualTo(record.timestamp());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("customer-42");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"to\":\"a@example.com\"}");
        WireAssertions.assertTaskHeaders(record, receipt.get("taskId").asText(), "email.send", "application/json",
                before, Instant.parse("2099-01-01T00:00:00Z"), TRACEPARENT, Map.of("tenant", "acme", "source", "cli"));
    }

    @Test
    void readsThePayloadFromStdinOrAFileAndTakesServersFromTheEnvironment(TestKafka kafka, @TempDir Path dir)
            throws Exception {
        String topic = kafka.createTopic("cli-stdin", 1);
        Map<String, String> env = Map.of("JOBWIRE_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "JOBWIRE_TOPIC", topic);
        CliRun fromStdin = CliRun.run(env, "plain text\n", "--type", "note", "--payload-file", "-",
                "--content-type", "text/plain; charset=utf-8");
        Path file = dir.resolve("payload.bin");
        Files.write(file, new byte[] {0, (byte) 0xff, 7});
        CliRun fromFile = CliRun.run(env, "", "--type", "blob", "--payload-file", file.toString(),
                "--content-type", "application/octet-stream");
        assertThat(fromStdin.exitCode()).as(fromStdin.err()).isZero();
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();

        List<ConsumerRecord<byte[], byte[]>> records = kafka.read(topic, 2, Duration.ofSeconds(20));
        assertThat(records).hasSize(2);
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("plain text\n");
        assertThat(new String(records.get(0).headers().lastHeader("jobwire.content-type").value(), StandardCharsets.UTF_8))
                .isEqualTo("text/plain; charset=utf-8");
        assertThat(records.get(1).value()).containsExactly(0, 0xff, 7);
    }

    @Test
    void anEmptyPayloadIsPublishedWhenTheContentTypeAllowsIt(TestKafka kafka) {
        String topic = kafka.createTopic("cli-empty", 1);
        CliRun run = CliRun.run(Map.of(), "", "-b", kafka.bootstrapServers(), "-t", topic, "--type", "tick",
                "--payload-file", "-", "--content-type", "application/octet-stream");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(20)).getFirst().value()).isEmpty();
    }

    @Test
    void countPublishesManyTasksEachWithItsOwnId(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("cli-count", 4);
        CliRun run = CliRun.run(Map.of(), "", "-b", kafka.bootstrapServers(), "-t", topic, "--type", "load.test",
                "--payload", "{}", "--count", "300", "--rate", "100000", "--key", "k");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(300);
        List<JsonNode> receipts = run.outLines().stream().map(CliRun::parse).toList();
        assertThat(receipts).extracting(r -> r.get("taskId").asText()).doesNotHaveDuplicates();
        // same key: one partition, offsets in publishing order
        assertThat(receipts).extracting(r -> r.get("offset").asLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 300).boxed().toList());
        assertThat(kafka.read(topic, 300, Duration.ofSeconds(20))).hasSize(300);
    }

    @Test
    void delayPrintsWhenTheTaskWillRunAndWritesItToTheDelayTopic(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("cli-delay", 1);
        String delayTopic = DelayTopics.create(kafka, topic);
        CliRun run = CliRun.run(Map.of(), "", "-b", kafka.bootstrapServers(), "-t", topic, "--type", "report.build",
                "--payload", "{}", "--key", "k", "--delay", "5s");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode receipt = Json.MAPPER.readTree(run.outLines().getFirst());
        assertThat(receipt.get("topic").asText()).isEqualTo(delayTopic);
        assertThat(receipt.get("partition").asInt()).isEqualTo(2);
        ConsumerRecord<byte[], byte[]> record = kafka.read(delayTopic, 1, Duration.ofSeconds(20)).getFirst();
        assertThat(record.offset()).isEqualTo(receipt.get("offset").asLong());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("k");
        Instant createdAt = Instant.parse(new String(record.headers().lastHeader("jobwire.created-at").value(), StandardCharsets.UTF_8));
        String notBefore = new String(record.headers().lastHeader("jobwire.not-before").value(), StandardCharsets.UTF_8);
        assertThat(receipt.get("notBefore").asText()).isEqualTo(notBefore);
        assertThat(Instant.parse(notBefore)).isEqualTo(createdAt.plusSeconds(5));

        String inAnHour = Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        CliRun at = CliRun.run(Map.of(), "", "-b", kafka.bootstrapServers(), "-t", topic, "--type", "report.build",
                "--payload", "{}", "--not-before", inAnHour);
        assertThat(at.exitCode()).as(at.err()).isZero();
        JsonNode atReceipt = Json.MAPPER.readTree(at.outLines().getFirst());
        assertThat(atReceipt.get("notBefore").asText()).isEqualTo(inAnHour);
        assertThat(atReceipt.get("partition").asInt()).isEqualTo(11); // 2048 s <= ~3600 s < 4096 s
    }

    @Test
    void aMissingDelayTopicIsAOneLineErrorSayingHowToCreateIt(TestKafka kafka) {
        String topic = kafka.createTopic("cli-no-delay-topic", 1);
        CliRun run = CliRun.run(Map.of(), "", "-b", kafka.bootstrapServers(), "-t", topic, "--type", "t",
                "--payload", "{}", "--delay", "1m", "--delivery-timeout", "2s");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("jobwire-publish: delay topic '" + topic + ".delay' does not exist")
                .endsWith("--partitions 22 --config message.timestamp.type=LogAppendTime --config retention.ms=4194304000");
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void unknownTopicIsAOneLineError(TestKafka kafka) {
        CliRun run = CliRun.run(Map.of(), "", "-b", kafka.bootstrapServers(), "-t", "missing-topic", "--type", "t",
                "--payload", "{}", "--delivery-timeout", "2s");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString().isEqualTo("jobwire-publish: topic 'missing-topic' "
                + "does not exist on the Kafka cluster at " + kafka.bootstrapServers()
                + " (topics are not created automatically; create it first)");
    }

    @Test
    void unreachableBrokerIsAOneLineError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CliRun run = CliRun.run(Map.of(), "", "-b", "127.0.0.1:" + closedPort, "--type", "t", "--payload", "{}",
                "--count", "5", "--delivery-timeout", "2s");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).singleElement().asString().isEqualTo("jobwire-publish: 5 of 5 tasks not published; "
                + "first failure: no Kafka broker reachable at 127.0.0.1:" + closedPort + " within 2s (delivery timeout)");
    }
}
