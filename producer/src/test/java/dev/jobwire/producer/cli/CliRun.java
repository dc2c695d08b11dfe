package dev.jobwire.producer.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@link PublishCli} in-process and captures what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = PublishCli.commandLine(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    static CliRun run(String... args) {
        return run(Map.of(), "", args);
    }

    static com.fasterxml.jackson.databind.JsonNode parse(String line) {
        try {
            return dev.jobwire.producer.internal.Json.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<String> outLines() {
        return out.lines().toList();
    }
}
