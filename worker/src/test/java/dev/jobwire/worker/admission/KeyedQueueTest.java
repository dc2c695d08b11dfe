package dev.jobwire.worker.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyedQueueTest {

    @Test
    void distinctKeysComeOutInArrivalOrder() {
        KeyedQueue<String> queue = new KeyedQueue<>();
        queue.add("a", "a1");
        queue.add("b", "b1");
        queue.add("c", "c1");
        assertThat(queue.poll()).isEqualTo("a1");
        assertThat(queue.poll()).isEqualTo("b1");
        assertThat(queue.poll()).isEqualTo("c1");
        assertThat(queue.poll()).isNull();
    }

    @Test
    void nullKeyItemsAreUnconstrainedAndKeepArrivalOrderWithKeyedOnes() {
        KeyedQueue<String> queue = new KeyedQueue<>();
        queue.add(null, "n1");
        queue.add("k", "k1");
        queue.add(null, "n2");
        queue.add("k", "k2");
        queue.add(null, "n3");
        assertThat(queue.size()).isEqualTo(5);
        assertThat(queue.poll()).isEqualTo("n1");
        assertThat(queue.poll()).isEqualTo("k1");
        assertThat(queue.poll()).isEqualTo("n2");
        assertThat(queue.poll()).isEqualTo("n3"); // k2 waits for k1
        assertThat(queue.poll()).isNull();
        queue.release(null);
        queue.add(null, "n4");
        assertThat(queue.drain()).containsExactlyInAnyOrder("n4", "k2");
        assertThat(queue.size()).isZero();
        assertThat(queue.hasEligible()).isFalse();
    }

    @Test
    void sameKeyWaitsForThePreviousItemToBeReleased() {
        KeyedQueue<String> queue = new KeyedQueue<>();
        queue.add("k", "k1");
        queue.add("k", "k2");
        queue.add("x", "x1");
        queue.add("k", "k3");

        assertThat(queue.poll()).isEqualTo("k1");
        assertThat(queue.poll()).isEqualTo("x1"); // k2 waits behind the running k1
        assertThat(queue.poll()).isNull();
        assertThat(queue.size()).isEqualTo(2);

        queue.release("k");
        assertThat(queue.poll()).isEqualTo("k2");
        assertThat(queue.poll()).isNull();
        queue.release("k");
        assertThat(queue.poll()).isEqualTo("k3");
        queue.release("k");
        assertThat(queue.hasEligible()).isFalse();
        assertThat(queue.size()).isZero();
    }

    @Test
    void anItemAddedWhileItsKeyRunsWaits() {
        KeyedQueue<String> queue = new KeyedQueue<>();
        queue.add("k", "k1");
        assertThat(queue.poll()).isEqualTo("k1");
        queue.add("k", "k2");
        assertThat(queue.hasEligible()).isFalse();
        queue.release("k");
        assertThat(queue.poll()).isEqualTo("k2");
    }

    @Test
    void drainEmptiesTheQueueButKeepsRunningKeysBusy() {
        KeyedQueue<String> queue = new KeyedQueue<>();
        queue.add("k", "k1");
        queue.add("k", "k2");
        queue.add("j", "j1");
        queue.poll();
        assertThat(queue.drain()).containsExactlyInAnyOrder("k2", "j1");
        assertThat(queue.size()).isZero();
        queue.add("k", "k3");
        assertThat(queue.poll()).isNull();
        queue.release("k");
        assertThat(queue.poll()).isEqualTo("k3");
    }
}
