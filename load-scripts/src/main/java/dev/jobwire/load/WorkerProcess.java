package dev.jobwire.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worker service ({@code dev.jobwire.worker.WorkerMain}) in a child JVM, on the load scripts'
 * own class path, configured only by the environment it is given (inherited {@code JOBWIRE_*}
 * variables are dropped), its output in a log file. {@link #kill()} is a SIGKILL: no shutdown
 * hook, no last commit, as a crash or an OOM kill would leave it.
 *
 * <p>Not thread-safe: the scenario's thread starts, kills and stops it.
 */
final class WorkerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final long startedNanos;
    private final Path log;

    private WorkerProcess(String name, Process process, long startedNanos, Path log) {
        this.name = name;
        this.process = process;
        this.startedNanos = startedNanos;
        this.log = log;
    }

    /** Starts worker {@code name} with {@code env} as its only {@code JOBWIRE_*} settings, logging to {@code logDir}. */
    static WorkerProcess start(String name, Map<String, String> env, Path logDir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xms64m", "-Xmx256m",
                "-Dlogback.configurationFile=" + System.getProperty("jobwire.quiet-log-config", ""),
                "-cp", System.getProperty("java.class.path"), "dev.jobwire.worker.WorkerMain"));
        builder.environment().keySet().removeIf(key -> key.startsWith("JOBWIRE_"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        long started = System.nanoTime();
        return new WorkerProcess(name, builder.start(), started, log);
    }

    String name() {
        return name;
    }

    /** When the process was started ({@link System#nanoTime()}). */
    long startedNanos() {
        return startedNanos;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM (the graceful stop) and waits for the exit.
     *
     * @return the exit code, or -1 when it had not exited within {@code timeout} (it is then killed)
     */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
