package dev.jobwire.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialDrainTest {

    @Test
    void itemsFromOneThreadComeOutInOrderOnOneThreadAtATime() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        SerialDrain<Integer> drain = new SerialDrain<>(pool, item -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            seen.add(item);
            running.decrementAndGet();
        }, item -> { });
        for (int i = 0; i < 20_000; i++) {
            drain.add(i);
        }
        pool.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen.size() < 20_000 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(seen).hasSize(20_000).isSorted();
        assertThat(overlaps.get()).isZero();
    }

    @Test
    void onceTheExecutorRefusesItemsGoToTheRejectionOnTheAddingThread() {
        ExecutorService closed = Executors.newSingleThreadExecutor();
        closed.shutdown();
        List<String> rejected = new CopyOnWriteArrayList<>();
        SerialDrain<String> drain = new SerialDrain<>(closed, item -> { }, item -> rejected.add(item + "@" + Thread.currentThread().getName()));
        drain.add("a");
        assertThat(rejected).containsExactly("a@" + Thread.currentThread().getName());
    }
}
