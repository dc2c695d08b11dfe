package dev.jobwire.worker.handler.builtin;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Burns a given amount of the calling thread's CPU time by hashing, honouring interrupts. */
final class CpuWork {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuWork() {
    }

    /** Hashes until {@code millis} of this thread's CPU time are spent; returns the last digest's first byte. */
    static int hashFor(long millis) throws InterruptedException {
        MessageDigest sha = sha256();
        boolean cpuClock = THREADS.isCurrentThreadCpuTimeSupported();
        long budget = millis * 1_000_000L;
        long start = cpuClock ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        byte[] block = new byte[1024];
        while (true) {
            for (int i = 0; i < 16; i++) {
                // Feed each digest back into the block so the JIT cannot skip the work.
                ByteBuffer.wrap(block).put(sha.digest(block));
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("CPU step cancelled");
            }
            long now = cpuClock ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
            if (now - start >= budget) {
                return block[0];
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
