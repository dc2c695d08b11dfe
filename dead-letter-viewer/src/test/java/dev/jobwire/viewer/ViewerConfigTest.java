package dev.jobwire.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ViewerConfigTest {
    private static final long HEAP = 96L << 20;

    @Test
    void unsetTheIndexBudgetIsFortyPercentOfTheHeap() {
        assertThat(ViewerConfig.defaults("k:9092").effectiveIndexMemoryBytes(HEAP)).isEqualTo((long) (HEAP * 0.4));
    }

    @Test
    void aBudgetUpToSixtyPercentOfTheHeapIsTakenAsGiven() {
        long most = (long) (HEAP * 0.6);
        assertThat(ViewerConfig.defaults("k:9092").toBuilder().indexMemoryBytes(most).build().effectiveIndexMemoryBytes(HEAP))
                .isEqualTo(most);
    }

    @Test
    void aBudgetTheHeapCannotHoldIsRefusedWithWhatToDo() {
        ViewerConfig config = ViewerConfig.defaults("k:9092").toBuilder().indexMemoryBytes(1L << 30).build();
        assertThatThrownBy(() -> config.effectiveIndexMemoryBytes(HEAP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("JOBWIRE_VIEWER_INDEX_MEMORY=1024 MB is more than 60 % of the heap (96 MB)")
                .hasMessageContaining("Use at most 57 MB");
    }
}
