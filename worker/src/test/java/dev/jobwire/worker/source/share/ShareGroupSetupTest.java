package dev.jobwire.worker.source.share;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.junit.jupiter.api.Test;

class ShareGroupSetupTest {
    @Test
    void aBrokerWithoutShareGroupsIsToldWhatToEnable() {
        String absent = ShareGroupSetup.missingShareGroups(null, "kafka:9092");
        assertThat(absent).contains("finalized share.version is absent")
                .contains("kafka-features.sh --bootstrap-server kafka:9092 upgrade --feature share.version=1")
                .contains("Kafka 4.2 or later").contains("JOBWIRE_CONSUMER_MODE=group");
        assertThat(ShareGroupSetup.missingShareGroups(new FinalizedVersionRange((short) 0, (short) 0), "k:1"))
                .contains("finalized share.version is 0");
    }

    @Test
    void shareVersionOneOrMoreIsEnough() {
        assertThat(ShareGroupSetup.missingShareGroups(new FinalizedVersionRange((short) 1, (short) 1), "k:1")).isNull();
        assertThat(ShareGroupSetup.missingShareGroups(new FinalizedVersionRange((short) 1, (short) 2), "k:1")).isNull();
    }
}
