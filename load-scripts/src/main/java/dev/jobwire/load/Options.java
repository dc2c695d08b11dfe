package dev.jobwire.load;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line options shared by every scenario.
 *
 * @param bootstrap  an existing broker, or null to start a local one
 * @param count      task count override, or 0 for the scenario's own
 * @param smoke      small counts, for CI: checks correctness, judges no speed
 * @param durationSeconds how long the backlog scenario runs, or 0 for its default
 * @param results    where JSON and HTML results go
 * @param workerSettings {@code JOBWIRE_*} settings for the workers, applied after the scenario's own
 */
public record Options(String bootstrap, int count, boolean smoke, int durationSeconds, Path results,
        Map<String, String> workerSettings) {

    /** The task count: the override, else the smoke or full default. */
    public int count(int full, int smokeCount) {
        return count > 0 ? count : smoke ? smokeCount : full;
    }

    static Options parse(String[] args, int from) {
        String bootstrap = null;
        int count = 0;
        boolean smoke = false;
        int duration = 0;
        Path results = Path.of("load-scripts", "results");
        Map<String, String> worker = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = args[++i];
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--smoke" -> smoke = true;
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--results" -> results = Path.of(args[++i]);
                case "--worker" -> {
                    String[] kv = args[++i].split("=", 2);
                    if (kv.length != 2 || !kv[0].startsWith("JOBWIRE_")) {
                        throw new IllegalArgumentException("--worker takes JOBWIRE_NAME=value, got '" + args[i] + "'");
                    }
                    worker.put(kv[0], kv[1]);
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'\n" + LoadMain.USAGE);
            }
        }
        return new Options(bootstrap, count, smoke, duration, results, worker);
    }
}
