package dev.jobwire.load;

import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Samples the run every interval: tasks done, tasks running, heap used, heap after the last GC,
 * and the process's resident memory. Runs on its own virtual thread until closed.
 */
public final class Sampler implements AutoCloseable {
    /** One point of the timeline. */
    public record Sample(double atSeconds, long done, int inFlight, int buffered, long heapUsedMb, long heapAfterGcMb, long rssMb) {
    }

    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public Sampler(long intervalMillis, LongSupplier done, IntSupplier inFlight, IntSupplier buffered) {
        long start = System.nanoTime();
        thread = Thread.ofVirtual().name("sampler").start(() -> {
            while (running) {
                samples.add(new Sample((System.nanoTime() - start) / 1e9, done.getAsLong(), inFlight.getAsInt(), buffered.getAsInt(),
                        heapUsedMb(), heapAfterGcMb(), rssMb()));
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    static long heapUsedMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    /**
     * Heap in use right after the most recent collection, young or full: what survived it, in
     * every heap pool. (A pool's own collection usage is no measure: G1's old generation keeps the
     * figure of its last old collection through any number of young ones, so what they promote
     * never showed.)
     */
    static long heapAfterGcMb() {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        GcInfo latest = null;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof com.sun.management.GarbageCollectorMXBean withInfo) {
                GcInfo info = withInfo.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return 0;
        }
        long bytes = 0;
        for (Map.Entry<String, MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                bytes += pool.getValue().getUsed();
            }
        }
        return bytes >> 20;
    }

    /** Resident set size from /proc (Linux); -1 elsewhere. */
    static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }
}
