package dev.jobwire.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.wire.DelayTiers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Routing of delayed tasks with a simulated clock: which topic, which tier, never a tier longer than what is left. */
class DelayRoutingTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void lessThanASecondLeftStaysOnTheTaskTopic() {
        assertThat(DelayRouting.waitsInDelayTopic(null, NOW)).isFalse();
        assertThat(DelayRouting.waitsInDelayTopic(NOW.plusMillis(300), NOW)).isFalse();
        assertThat(DelayRouting.waitsInDelayTopic(NOW.plusMillis(999), NOW)).isFalse();
        assertThat(DelayRouting.waitsInDelayTopic(NOW.plusSeconds(1), NOW)).isTrue();
        assertThat(DelayRouting.waitsInDelayTopic(NOW.minusSeconds(5), NOW)).isFalse();
    }

    @Test
    void theTierIsTheLargestNotLongerThanWhatIsLeft() {
        assertThat(tier(Duration.ofSeconds(5), 22)).isEqualTo(2);
        assertThat(tier(Duration.ofSeconds(1), 22)).isZero();
        assertThat(tier(Duration.ofMillis(1999), 22)).isZero();
        assertThat(tier(Duration.ofSeconds(2), 22)).isEqualTo(1);
        assertThat(tier(Duration.ofHours(1), 22)).isEqualTo(11);
        assertThat(tier(Duration.ofSeconds(1L << 21), 22)).isEqualTo(21);
        assertThat(tier(Duration.ofDays(3650), 22)).as("the longest tier, then further hops").isEqualTo(21);
        assertThat(tier(Duration.ofMillis(999), 22)).isEqualTo(-1);
        assertThat(tier(Duration.ofHours(1), 3)).as("a delay topic with 3 partitions has 3 tiers").isEqualTo(2);
        assertThat(tier(Duration.ofDays(3650), 100)).as("at most 40 tiers, as the worker reads them").isEqualTo(28);
    }

    @Test
    void noDelayFromOneMillisecondToTenYearsLandsInATierLongerThanWhatIsLeft() {
        SplittableRandom random = new SplittableRandom(15);
        for (int i = 0; i < 100_000; i++) {
            Duration left = Duration.ofMillis(1 + random.nextLong(Duration.ofDays(3650).toMillis()));
            int partitions = 1 + random.nextInt(40);
            int tier = tier(left, partitions);
            if (left.compareTo(DelayTiers.SMALLEST) < 0) {
                assertThat(tier).as("%s", left).isEqualTo(-1);
                continue;
            }
            assertThat(DelayTiers.delayOf(tier)).as("%s in %d tiers", left, partitions).isLessThanOrEqualTo(left);
            assertThat(tier == partitions - 1 || DelayTiers.delayOf(tier + 1).compareTo(left) > 0)
                    .as("%s in %d tiers: tier %d is the largest that fits", left, partitions, tier).isTrue();
        }
    }

    @Test
    void routeKeepsKeyValueHeadersAndTimestampAndPicksTheTierWhenSent() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("jobwire.not-before", NOW.plusSeconds(5).toString().getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> queued = new ProducerRecord<>("tasks.delay", null, NOW.toEpochMilli(),
                bytes("customer-42"), bytes("{}"), headers);
        PreparedTask task = new PreparedTask(queued, "id", "tasks", NOW.plusSeconds(5));
        assertThat(task.waitsInDelayTopic()).isTrue();

        ProducerRecord<byte[], byte[]> sent = DelayRouting.route(task, 22, NOW);
        assertThat(sent.topic()).isEqualTo("tasks.delay");
        assertThat(sent.partition()).isEqualTo(2);
        assertThat(sent.key()).isEqualTo(bytes("customer-42"));
        assertThat(sent.value()).isEqualTo(bytes("{}"));
        assertThat(sent.headers().toArray()).containsExactly(headers.toArray());
        assertThat(sent.timestamp()).isEqualTo(NOW.toEpochMilli());

        // it waited 3.5 s in the publisher's queue: 1.5 s left is tier 0
        assertThat(DelayRouting.route(task, 22, NOW.plusMillis(3500)).partition()).isZero();
        // it waited 4.5 s: under a second left, so it goes to the task topic, partitioned by its key
        ProducerRecord<byte[], byte[]> late = DelayRouting.route(task, 22, NOW.plusMillis(4500));
        assertThat(late.topic()).isEqualTo("tasks");
        assertThat(late.partition()).isNull();
        assertThat(late.key()).isEqualTo(bytes("customer-42"));
    }

    private static int tier(Duration left, int partitions) {
        return DelayRouting.tierPartition(NOW.plus(left), NOW, partitions);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
