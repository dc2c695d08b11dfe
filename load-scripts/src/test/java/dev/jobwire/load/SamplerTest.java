package dev.jobwire.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static volatile byte[] garbage;

    @Test
    void heapAfterGcCountsWhatYoungCollectionsLeaveInTheOldGeneration() {
        List<byte[]> retained = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            retained.add(new byte[4 << 20]); // 40 MB, large arrays: straight to the old generation (G1: humongous)
        }
        long collections = collections();
        long giveUp = System.nanoTime() + 30_000_000_000L;
        // Garbage until two collections have run since: young ones, which leave the old generation's own
        // collection usage as it was.
        while (collections() < collections + 2 && System.nanoTime() < giveUp) {
            garbage = new byte[64 << 10];
        }

        assertThat(collections()).isGreaterThanOrEqualTo(collections + 2);
        assertThat(Sampler.heapAfterGcMb()).isGreaterThanOrEqualTo(40);
        assertThat(retained).hasSize(10);
    }

    private static long collections() {
        long count = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
        }
        return count;
    }
}
