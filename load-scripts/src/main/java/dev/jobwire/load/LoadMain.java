package dev.jobwire.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the load scripts: {@code LoadMain SCENARIO|all [options]}. A scenario is a method
 * taking ({@link Harness}, {@link Options}, {@link Report}), registered here by name: the smaller
 * ones in {@link Scenarios}, larger ones in a class of their own ({@link FailoverScenario},
 * {@link DelayedScenario}, {@link ShareScaling}).
 */
public final class LoadMain {
    private interface Body {
        void run(Harness h, Options o, Report r) throws Exception;
    }

    private static final Map<String, Body> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("exercise-1", Scenarios::exercise1);
        SCENARIOS.put("mini-challenge", Scenarios::miniChallenge);
        SCENARIOS.put("cpu-bound", Scenarios::cpuBound);
        SCENARIOS.put("throughput", Scenarios::throughput);
        SCENARIOS.put("backlog", Scenarios::backlog);
        SCENARIOS.put("failure-mix", Scenarios::failureMix);
        SCENARIOS.put("rebalance", Scenarios::rebalance);
        SCENARIOS.put("failover", FailoverScenario::run);
        SCENARIOS.put("delayed", DelayedScenario::run);
        SCENARIOS.put("share-scaling", ShareScaling::run);
    }

    static final String USAGE = """
            usage: load-scripts/<scenario> [--bootstrap HOST:PORT] [--count N] [--smoke] [--duration SECONDS] [--results DIR]
              scenarios: %s (or: all)
              --bootstrap  use this broker instead of starting a local one
              --count      tasks to publish instead of the scenario's default
              --smoke      small counts: checks that every task is accounted for, judges no speed (CI)
              --duration   seconds the backlog scenario runs (default 60)
              --results    where JSON and HTML results go (default load-scripts/results)
              --worker     JOBWIRE_NAME=value: a worker setting, over the scenario's own (repeatable)"""
            .formatted(String.join(" ", SCENARIOS.keySet()));

    private LoadMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println(USAGE);
            return;
        }
        List<String> names = args[0].equals("all") ? List.copyOf(SCENARIOS.keySet()) : List.of(args[0]);
        for (String name : names) {
            if (!SCENARIOS.containsKey(name)) {
                System.err.println("unknown scenario '" + name + "'\n" + USAGE);
                System.exit(2);
            }
        }
        Options options = Options.parse(args, 1);
        List<String> failed = new ArrayList<>();
        try (BrokerProcess broker = options.bootstrap() != null
                ? BrokerProcess.existing(options.bootstrap()) : BrokerProcess.startLocal()) {
            System.out.println("broker: " + broker.bootstrapServers());
            for (String name : names) {
                if (!run(name, broker.bootstrapServers(), options, options.bootstrap() != null)) {
                    failed.add(name);
                }
            }
        }
        System.out.println();
        System.out.println(failed.isEmpty()
                ? "load scripts: " + names.size() + " scenario(s), every task accounted for and every cap held"
                : "load scripts: FAILED: " + String.join(", ", failed) + " (see PROBLEM lines above)");
        System.exit(failed.isEmpty() ? 0 : 1);
    }

    private static boolean run(String name, String bootstrap, Options options, boolean deleteTopics) throws Exception {
        System.out.println("== " + name + (options.smoke() ? " (smoke)" : ""));
        Report report = new Report(name);
        report.put("mode", options.smoke() ? "smoke" : "full");
        if (!options.workerSettings().isEmpty()) {
            report.put("worker_settings", options.workerSettings());
        }
        try (Harness harness = new Harness(bootstrap, deleteTopics, options.workerSettings())) {
            SCENARIOS.get(name).run(harness, options, report);
        } catch (Exception e) {
            report.problem("scenario failed: " + e);
            e.printStackTrace();
        }
        Path json = report.write(options.results());
        System.out.print(report.table());
        System.out.println("  results: " + json + " (and .html beside it)");
        return report.ok();
    }
}
