package dev.jobwire.worker.it;

import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealKafkaExtension.class)
class ShareProbeIT {
    @Test
    void probe(TestKafka kafka) throws Exception {
        for (String mode : List.of("record_limit", "batch_optimized")) {
            for (String wait : List.of("50", "500")) {
                run(kafka, mode, wait);
            }
        }
    }

    void run(TestKafka kafka, String mode, String wait) throws Exception {
        String topic = kafka.createTopic("probe", 1);
        String group = kafka.uniqueGroupId("probe");
        try (Admin admin = kafka.admin()) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (TestTasks tasks = new TestTasks(kafka, topic)) {
            for (int i = 0; i < 40; i++) {
                tasks.publish("sleep", "{}");
            }
            tasks.flush();
        }
        AtomicInteger total = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<AtomicInteger> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            AtomicInteger count = new AtomicInteger();
            counts.add(count);
            threads.add(Thread.ofPlatform().start(() -> {
                Properties p = new Properties();
                p.put("bootstrap.servers", kafka.bootstrapServers());
                p.put("group.id", group);
                p.put("share.acknowledgement.mode", "explicit");
                p.put("share.acquire.mode", mode);
                p.put("max.poll.records", "1");
                p.put("fetch.max.wait.ms", wait);
                try (KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(p, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    while (!stop.get()) {
                        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                        for (ConsumerRecord<byte[], byte[]> r : records) {
                            try {
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                return;
                            }
                            consumer.acknowledge(r, AcknowledgeType.ACCEPT);
                            count.incrementAndGet();
                            total.incrementAndGet();
                        }
                    }
                }
            }));
        }
        long start = System.nanoTime();
        while (total.get() < 40 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(50);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("PROBE mode %s wait %s: counts %s in %d ms%n", mode, wait, counts,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}
