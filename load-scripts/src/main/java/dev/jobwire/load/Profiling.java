package dev.jobwire.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;

/**
 * An optional Java Flight Recorder recording of one measured phase, so a profile shows the worker
 * at work and not the publishing, the warm-up or the compiler before it. On when the system
 * property {@code jobwire.jfr} names a directory ({@code JOBWIRE_LOAD_JAVA_OPTS=-Djobwire.jfr=/tmp/jfr});
 * execution samples every millisecond. Off (and free) otherwise.
 *
 * <p>Not thread-safe: one phase at a time, from the scenario's thread.
 */
final class Profiling implements AutoCloseable {
    private final Recording recording;
    private final Path file;

    private Profiling(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts recording phase {@code name} if profiling is on. */
    static Profiling start(String name) {
        String dir = System.getProperty("jobwire.jfr");
        if (dir == null || dir.isBlank()) {
            return new Profiling(null, null);
        }
        Recording recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(20));
        recording.enable("jdk.GarbageCollection");
        recording.enable("jdk.ThreadPark").withThreshold(Duration.ofMillis(1));
        recording.start();
        return new Profiling(recording, Path.of(dir, name + ".jfr"));
    }

    @Override
    public void close() throws IOException {
        if (recording != null) {
            recording.stop();
            recording.dump(file);
            recording.close();
            System.out.println("  profile: " + file + " (jfr print --events jdk.ExecutionSample " + file + ")");
        }
    }
}
