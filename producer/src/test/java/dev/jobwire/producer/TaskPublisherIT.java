package dev.jobwire.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.wire.TaskHeaders;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealKafkaExtension.class)
class TaskPublisherIT {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void publishedRecordMatchesTheWireFormatHeaderByHeader(TestKafka kafka) {
        String topic = kafka.createTopic("lib-wire", 3);
        Instant deadline = Instant.now().plus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        Instant before = Instant.now();
        PublishReceipt receipt;
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build())) {
            receipt = publisher.publish(TaskRequest.builder("http.call")
                    .payload("{\"url\":\"http://billing.internal/charge\",\"amount\":1200}")
                    .key("customer-42")
                    .header("tenant", "acme")
                    .header("x-request-id", "r-1")
                    .deadline(deadline)
                    .traceparent(TRACEPARENT)
                    .build()).join();
        }

        List<ConsumerRecord<byte[], byte[]>> records = kafka.read(topic, 1, Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.getFirst();
        assertThat(receipt.topic()).isEqualTo(topic);
        assertThat(record.partition()).isEqualTo(receipt.partition());
        assertThat(record.offset()).isEqualTo(receipt.offset());
        assertThat(record.timestamp()).isEqualTo(receipt.timestamp().toEpochMilli());
        assertThat(utf8(record.key())).isEqualTo("customer-42");
        assertThat(utf8(record.value())).isEqualTo("{\"url\":\"http://billing.internal/charge\",\"amount\":1200}");
        WireAssertions.assertTaskHeaders(record, receipt.taskId(), "http.call", "application/json", before, deadline,
                TRACEPARENT, Map.of("tenant", "acme", "x-request-id", "r-1"));
    }

    @Test
    void futuresCompleteOffKafkasNetworkThreadInTheOrderTheBrokerAnswered(TestKafka kafka) {
        String topic = kafka.createTopic("lib-completion", 1);
        List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> completedOffsets = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).kafkaProperty("linger.ms", "20").build())) {
            for (int i = 0; i < 2_000; i++) {
                futures.add(publisher.publish(TaskRequest.builder("noop").payload("{}").build()).whenComplete((receipt, error) -> {
                    threads.add(Thread.currentThread().getName());
                    if (receipt != null) {
                        completedOffsets.add(receipt.offset());
                    }
                }));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        }
        assertThat(threads).hasSize(2_000).noneMatch(name -> name.startsWith("kafka-producer-network-thread"));
        assertThat(completedOffsets).hasSize(2_000).isSorted();
    }

    @Test
    void defaultsLeaveOptionalHeadersOutAndKeyNull(TestKafka kafka) {
        String topic = kafka.createTopic("lib-defaults", 1);
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build())) {
            PublishReceipt receipt = publisher.publish("report.build", new byte[] {1, 2, 3}).join();
            ConsumerRecord<byte[], byte[]> record = kafka.read(topic, 1, Duration.ofSeconds(20)).getFirst();
            assertThat(record.key()).isNull();
            assertThat(record.value()).containsExactly(1, 2, 3);
            assertThat(record.offset()).isEqualTo(receipt.offset());
            assertThat(record.headers().lastHeader(TaskHeaders.DEADLINE)).isNull();
            assertThat(record.headers().lastHeader(TaskHeaders.TRACEPARENT)).isNull();
            assertThat(record.headers().toArray()).extracting(Header::key).containsExactly(TaskHeaders.FORMAT,
                    TaskHeaders.TASK_ID, TaskHeaders.TASK_TYPE, TaskHeaders.CONTENT_TYPE, TaskHeaders.CREATED_AT);
        }
    }

    @Test
    void batchKeepsOrderAndTopicOverride(TestKafka kafka) {
        String defaultTopic = kafka.createTopic("lib-batch-default", 1);
        String other = kafka.createTopic("lib-batch-other", 1);
        List<TaskRequest> requests = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            requests.add(TaskRequest.builder("batch.item").payload("{\"i\":" + i + "}").key("same").build());
        }
        requests.add(TaskRequest.builder("batch.item").payload("{}").topic(other).build());
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(defaultTopic).build())) {
            List<PublishReceipt> receipts = publisher.publishAll(requests).join();
            assertThat(receipts).hasSize(51);
            assertThat(receipts.subList(0, 50)).extracting(PublishReceipt::offset)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 50).boxed().toList());
            assertThat(receipts.getLast().topic()).isEqualTo(other);
        }
        assertThat(kafka.read(defaultTopic, 50, Duration.ofSeconds(20)))
                .extracting(r -> utf8(r.value())).first().isEqualTo("{\"i\":0}");
        assertThat(kafka.read(other, 1, Duration.ofSeconds(20))).hasSize(1);
    }

    @Test
    void unknownTopicFailsTheFutureWithAClearMessage(TestKafka kafka) {
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic("no-such-topic-" + System.nanoTime()).deliveryTimeout(Duration.ofSeconds(2)).build())) {
            CompletableFuture<PublishReceipt> first = publisher.publish("t", new byte[0]);
            CompletableFuture<PublishReceipt> second = publisher.publish("t", new byte[0]);
            assertThatThrownBy(first::join).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(PublishException.class)
                    .hasMessageMatching("topic 'no-such-topic-\\d+' does not exist on the Kafka cluster at .*")
                    .extracting(e -> ((PublishException) e).failure()).isEqualTo(PublishFailure.TOPIC_NOT_FOUND);
            assertThatThrownBy(second::join).cause().isInstanceOf(PublishException.class)
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void unreachableBrokerFailsWithinTheDeliveryTimeout() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder("127.0.0.1:" + closedPort)
                .deliveryTimeout(Duration.ofSeconds(2)).build())) {
            CompletableFuture<PublishReceipt> future = publisher.publish("t", new byte[0]);
            assertThat(future).isNotDone(); // publish() returned without waiting for the broker
            assertThatThrownBy(future::join).cause().isInstanceOf(PublishException.class)
                    .hasMessage("no Kafka broker reachable at 127.0.0.1:" + closedPort + " within 2s (delivery timeout)")
                    .extracting(e -> ((PublishException) e).failure()).isEqualTo(PublishFailure.BROKER_UNAVAILABLE);
        }
    }

    @Test
    void recordTooLargeSaysSizeAndLimit(TestKafka kafka) {
        String topic = kafka.createTopic("lib-large", 1);
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).kafkaProperty("max.request.size", "10000").build())) {
            assertThatThrownBy(() -> publisher.publish("big", new byte[20_000]).join())
                    .cause().isInstanceOf(PublishException.class)
                    .hasMessageContaining("payload 20000 bytes")
                    .hasMessageContaining("which is larger than 10000")
                    .extracting(e -> ((PublishException) e).failure()).isEqualTo(PublishFailure.RECORD_TOO_LARGE);
            // the publisher keeps working after a rejected record
            assertThat(publisher.publish("small", new byte[10]).join().topic()).isEqualTo(topic);
        }
    }

    @Test
    void aBatchWithATaskOverTheProducersLimitSendsNothing(TestKafka kafka) {
        String topic = kafka.createTopic("lib-batch-large", 1);
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).kafkaProperty("max.request.size", "10000").build())) {
            List<TaskRequest> batch = List.of(TaskRequest.builder("small").build(),
                    TaskRequest.builder("big").payload(new byte[20_000]).build(), TaskRequest.builder("small").build(),
                    TaskRequest.builder("big").payload(new byte[30_000]).build());
            assertThatThrownBy(() -> publisher.publishAll(batch)).isInstanceOfSatisfying(TaskTooLargeException.class, e -> {
                assertThat(e.problems()).containsOnlyKeys(1, 3);
                assertThat(e.limit()).isEqualTo(10_000);
                assertThat(e).hasMessageStartingWith("task 1: the record would be ")
                        .hasMessageContaining("(payload 20000 bytes), over the producer's limit of 10000 bytes (max.request.size)")
                        .hasMessageEndingWith("(and 1 more tasks too large)");
            });
        }
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void brokerSideSizeLimitIsReportedToo(TestKafka kafka) {
        String topic = "lib-broker-limit-" + System.nanoTime();
        kafka.createTopic(topic, 1, Map.of("max.message.bytes", "2000"));
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build())) {
            assertThatThrownBy(() -> publisher.publish("big", new byte[5_000]).join())
                    .cause().isInstanceOf(PublishException.class)
                    .hasMessageContaining("payload 5000 bytes")
                    .extracting(e -> ((PublishException) e).failure()).isEqualTo(PublishFailure.RECORD_TOO_LARGE);
        }
    }

    @Test
    void closedPublisherFailsFutures(TestKafka kafka) {
        TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers()).build());
        publisher.close();
        publisher.close();
        assertThatThrownBy(() -> publisher.publish("t", new byte[0]).join()).cause()
                .isInstanceOf(PublishException.class)
                .extracting(e -> ((PublishException) e).failure()).isEqualTo(PublishFailure.CLOSED);
    }

    @Test
    void closeFlushesWhatWasAccepted(TestKafka kafka) {
        String topic = kafka.createTopic("lib-close", 2);
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).kafkaProperty("linger.ms", "1000").build())) {
            for (int i = 0; i < 200; i++) {
                futures.add(publisher.publish("flush.me", new byte[] {(byte) i}));
            }
        }
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(kafka.read(topic, 200, Duration.ofSeconds(20))).hasSize(200);
    }

    @Test
    void pastDeadlineIsRejectedBeforeAnythingIsSent(TestKafka kafka) {
        String topic = kafka.createTopic("lib-deadline", 1);
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build())) {
            List<TaskRequest> batch = List.of(TaskRequest.builder("ok").build(),
                    TaskRequest.builder("late").deadline(Instant.now().minusSeconds(1)).build());
            assertThatThrownBy(() -> publisher.publishAll(batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("task 1: deadline ").hasMessageEndingWith("has already passed");
        }
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void aFiveSecondDelayWaitsInTier2OfTheDelayTopicWithItsKeyAndStartTime(TestKafka kafka) {
        String topic = kafka.createTopic("lib-delay", 3);
        String delayTopic = DelayTopics.create(kafka, topic);
        Instant before = Instant.now();
        PublishReceipt receipt;
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build())) {
            receipt = publisher.publish(TaskRequest.builder("report.build").payload("{\"id\":7}").key("customer-42")
                    .header("tenant", "acme").delay(Duration.ofSeconds(5)).build()).join();
        }

        assertThat(receipt.topic()).isEqualTo(delayTopic);
        assertThat(receipt.partition()).isEqualTo(2); // 4 s <= 5 s < 8 s
        List<ConsumerRecord<byte[], byte[]>> records = kafka.read(delayTopic, 1, Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.getFirst();
        assertThat(record.partition()).isEqualTo(2);
        assertThat(record.offset()).isEqualTo(receipt.offset());
        assertThat(record.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(record.timestamp()).isEqualTo(receipt.timestamp().toEpochMilli());
        assertThat(utf8(record.key())).isEqualTo("customer-42");
        assertThat(utf8(record.value())).isEqualTo("{\"id\":7}");
        Instant createdAt = Instant.parse(header(record, TaskHeaders.CREATED_AT));
        Instant notBefore = Instant.parse(header(record, TaskHeaders.NOT_BEFORE));
        assertThat(notBefore).isEqualTo(receipt.notBefore()).isEqualTo(createdAt.plusSeconds(5));
        assertThat(createdAt).isBetween(before, Instant.now());
        assertThat(header(record, TaskHeaders.TASK_ID)).isEqualTo(receipt.taskId());
        assertThat(header(record, "tenant")).isEqualTo("acme");
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(1))).as("nothing on the task topic yet").isEmpty();
    }

    @Test
    void aNotBeforeAnHourAheadWaitsInTier11AndOnePastRunsAtOnce(TestKafka kafka) {
        String topic = kafka.createTopic("lib-not-before", 1);
        String delayTopic = DelayTopics.create(kafka, topic);
        Instant inAnHour = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build())) {
            PublishReceipt later = publisher.publish(TaskRequest.builder("t").notBefore(inAnHour).build()).join();
            assertThat(later.topic()).isEqualTo(delayTopic);
            assertThat(later.partition()).isEqualTo(11); // 2048 s <= ~3600 s < 4096 s
            assertThat(later.notBefore()).isEqualTo(inAnHour);
            PublishReceipt past = publisher.publish(TaskRequest.builder("t").notBefore(Instant.now().minusSeconds(60)).build())
                    .join();
            assertThat(past.topic()).isEqualTo(topic);
            assertThat(past.notBefore()).isNull();
        }
        assertThat(header(kafka.read(delayTopic, 1, Duration.ofSeconds(20)).getFirst(), TaskHeaders.NOT_BEFORE))
                .isEqualTo(inAnHour.toString());
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(20)).getFirst().headers().lastHeader(TaskHeaders.NOT_BEFORE))
                .as("a start time already past: no header").isNull();
    }

    @Test
    void aDelayUnderASecondGoesToTheTaskTopicWithItsStartTime(TestKafka kafka) {
        String topic = kafka.createTopic("lib-short-delay", 1);
        String delayTopic = DelayTopics.create(kafka, topic);
        PublishReceipt receipt;
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build())) {
            receipt = publisher.publish(TaskRequest.builder("t").key("k").delay(Duration.ofMillis(300)).build()).join();
        }
        assertThat(receipt.topic()).isEqualTo(topic);
        ConsumerRecord<byte[], byte[]> record = kafka.read(topic, 1, Duration.ofSeconds(20)).getFirst();
        assertThat(record.offset()).isEqualTo(receipt.offset());
        assertThat(utf8(record.key())).isEqualTo("k");
        Instant createdAt = Instant.parse(header(record, TaskHeaders.CREATED_AT));
        assertThat(Instant.parse(header(record, TaskHeaders.NOT_BEFORE))).isEqualTo(receipt.notBefore())
                .isEqualTo(createdAt.plusMillis(300));
        assertThat(kafka.read(delayTopic, 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void aMissingDelayTopicFailsTheDelayedTaskSayingHowToCreateItAndSendsNothing(TestKafka kafka) {
        String topic = kafka.createTopic("lib-no-delay-topic", 1);
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).deliveryTimeout(Duration.ofSeconds(2)).build())) {
            CompletableFuture<PublishReceipt> delayed = publisher.publish(TaskRequest.builder("t").delay(Duration.ofMinutes(5)).build());
            assertThatThrownBy(delayed::join).cause().isInstanceOfSatisfying(PublishException.class, e -> {
                assertThat(e.failure()).isEqualTo(PublishFailure.TOPIC_NOT_FOUND);
                assertThat(e.topic()).isEqualTo(topic + ".delay");
                assertThat(e).hasMessage("delay topic '" + topic + ".delay' does not exist on the Kafka cluster at "
                        + kafka.bootstrapServers() + ", so the delayed task was not published (tasks of topic '" + topic
                        + "' that must wait a second or more wait there). Workers create it at start-up with "
                        + "JOBWIRE_CREATE_TOPICS=true (the default); to create it by hand: kafka-topics.sh "
                        + "--bootstrap-server " + kafka.bootstrapServers() + " --create --topic " + topic + ".delay "
                        + "--partitions 22 --config message.timestamp.type=LogAppendTime --config retention.ms=4194304000");
            });
        }
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(2))).as("nothing published").isEmpty();
        try (var admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .as("publishing creates no topic").doesNotContain(topic + ".delay");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBatchMixesImmediateAndDelayedTasksWithReceiptsInOrder(TestKafka kafka) {
        String topic = kafka.createTopic("lib-delay-batch", 1);
        String delayTopic = DelayTopics.create(kafka, topic);
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build())) {
            List<PublishReceipt> receipts = publisher.publishAll(List.of(TaskRequest.builder("now").build(),
                    TaskRequest.builder("later").delay(Duration.ofSeconds(40)).build(),
                    TaskRequest.builder("now").build())).join();
            assertThat(receipts).extracting(PublishReceipt::topic).containsExactly(topic, delayTopic, topic);
            assertThat(receipts.get(1).partition()).isEqualTo(5); // 32 s <= 40 s < 64 s
            assertThat(receipts.get(0).notBefore()).isNull();
            assertThat(receipts.get(1).notBefore()).isNotNull();
        }
    }

    @Test
    void invalidStartTimesThrowBeforeAnythingIsSent(TestKafka kafka) {
        String topic = kafka.createTopic("lib-bad-start", 1);
        try (TaskPublisher publisher = TaskPublisher.create(PublisherConfig.builder(kafka.bootstrapServers())
                .defaultTopic(topic).build())) {
            List<TaskRequest> batch = List.of(TaskRequest.builder("ok").build(), TaskRequest.builder("late")
                    .delay(Duration.ofMinutes(10)).deadline(Instant.now().plus(Duration.ofMinutes(5))).build());
            assertThatThrownBy(() -> publisher.publishAll(batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("task 1: deadline ").hasMessageEndingWith("the task would expire before it may start");
            assertThatThrownBy(() -> publisher.publish(TaskRequest.builder("far").notBefore(Instant.parse("9999-01-01T00:00:00Z"))
                    .build())).hasMessage("notBefore 9999-01-01T00:00:00Z is more than 3650 days (about 10 years) ahead");
        }
        assertThat(kafka.read(topic, 1, Duration.ofSeconds(2))).isEmpty();
    }

    /** The value of the header, which must be present. */
    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return utf8(header.value());
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
