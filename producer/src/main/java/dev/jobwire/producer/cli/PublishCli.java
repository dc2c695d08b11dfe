package dev.jobwire.producer.cli;

import dev.jobwire.config.Settings;
import dev.jobwire.logging.ControlChars;
import dev.jobwire.producer.PublishException;
import dev.jobwire.producer.PublishReceipt;
import dev.jobwire.producer.PublisherConfig;
import dev.jobwire.producer.TaskPublisher;
import dev.jobwire.producer.TaskRequest;
import dev.jobwire.producer.internal.Json;
import dev.jobwire.wire.TopicNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jobwire-publish}: publishes one task, or {@code --count} copies of it, and prints one JSON
 * receipt per task on standard output. Exit codes: 0 all published, 1 a task was not published
 * (broker unreachable, unknown topic, too large…), 2 bad arguments or input. Errors are one line on
 * standard error.
 *
 * <p>Runs in-process for tests: {@link #commandLine(Map, InputStream)} takes the environment and
 * standard input, and picocli's {@code setOut}/{@code setErr} capture the output. One instance runs
 * one command; not thread-safe.
 */
@Command(name = "jobwire-publish", sortOptions = false, usageHelpAutoWidth = true,
        description = "Publishes Jobwire tasks to Kafka and prints one JSON receipt per task "
                + "(taskId, topic, partition, offset, timestamp, and notBefore: when a delayed task will run).",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  every task was published", "  1  a task was not published (the message says why)",
                "  2  invalid arguments or input",
                "%nKafka client settings also come from JOBWIRE_KAFKA_* variables "
                        + "(JOBWIRE_KAFKA_SECURITY_PROTOCOL=SSL -> security.protocol=SSL); --kafka-property wins."})
public final class PublishCli implements Callable<Integer> {
    static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    /** How many tasks may await the broker's answer at once with --count. */
    private static final int IN_FLIGHT_WINDOW = 1_000;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: $JOBWIRE_BOOTSTRAP_SERVERS, else " + DEFAULT_BOOTSTRAP_SERVERS + ").")
    private String bootstrapServers;

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC",
            description = "Topic to publish to (default: $JOBWIRE_TOPIC, else " + TopicNames.DEFAULT_TASK_TOPIC + ").")
    private String topic;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "Task type, i.e. the handler name: 1-128 of letters, digits, '.', '_', '-', ':'.")
    private String type;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private PayloadSource payloadSource;

    static final class PayloadSource {
        @Option(names = {"-p", "--payload"}, required = true, paramLabel = "TEXT", description = "The payload, as text.")
        String text;

        @Option(names = {"-f", "--payload-file"}, required = true, paramLabel = "PATH",
                description = "Read the payload from this file; '-' reads standard input.")
        String file;
    }

    @Option(names = {"-k", "--key"}, paramLabel = "KEY",
            description = "Record key; tasks with the same key keep their order.")
    private String key;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE",
            description = "Extra header, repeatable. Names starting with 'jobwire.' and 'traceparent' are reserved.")
    private Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--deadline", paramLabel = "DURATION|INSTANT",
            description = "The task must not start after this: a duration from now (30s, 5m, 2h, PT1M) "
                    + "or an ISO-8601 instant (2026-11-26T05:05:00Z).")
    private String deadline;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private StartTime startTime;

    static final class StartTime {
        @Option(names = "--delay", required = true, paramLabel = "DURATION",
                description = "Start the task no earlier than this after publishing it (250ms, 30s, 5m, 1h, PT30S; "
                        + "at most " + TaskRequest.MAX_DELAY_DAYS + " days). With --count, each task counts from its own publishing.")
        String delay;

        @Option(names = "--not-before", required = true, paramLabel = "INSTANT",
                description = "Start the task no earlier than this ISO-8601 instant (2026-12-01T10:00:00Z); "
                        + "an instant already past means at once.")
        String notBefore;
    }

    @Option(names = "--content-type", paramLabel = "MIME", defaultValue = "application/json",
            description = "MIME type of the payload (default: ${DEFAULT-VALUE}). JSON payloads are checked to be valid JSON.")
    private String contentType;

    @Option(names = "--traceparent", paramLabel = "TRACEPARENT", description = "W3C trace context to attach.")
    private String traceparent;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "1",
            description = "Publish N tasks with this payload, each with its own id (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(names = "--rate", paramLabel = "PER_SECOND",
            description = "With --count, publish at most this many tasks per second (default: as fast as the broker takes them).")
    private Double rate;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "NAME=VALUE",
            description = "Kafka producer property, repeatable, e.g. security.protocol=SSL or linger.ms=20. "
                    + "Names Kafka's producer does not know are refused.")
    private Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--delivery-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "Give up on a task the broker has not acknowledged after this long (default: ${DEFAULT-VALUE}).")
    private String deliveryTimeout;

    @Option(names = "--verbose", description = "Also show the Kafka client's own warnings on standard error "
            + "(hidden by default, since the one-line error says what went wrong).")
    private boolean verbose;

    private final Map<String, String> env;
    private final InputStream stdin;

    public PublishCli(Map<String, String> env, InputStream stdin) {
        this.env = Map.copyOf(env);
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        if (!java.util.Arrays.asList(args).contains("--verbose")) {
            CliLogging.quietKafkaClient();
        }
        System.exit(commandLine(System.getenv(), System.in).execute(args));
    }

    /** The command, ready to {@code execute}; set out/err on it to capture output. */
    public static CommandLine commandLine(Map<String, String> env, InputStream stdin) {
        CommandLine commandLine = new CommandLine(new PublishCli(env, stdin));
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("jobwire-publish: " + e.getMessage().replaceFirst("^Error: ", "") + " (see --help)");
            e.getCommandLine().getErr().flush();
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("jobwire-publish: unexpected error: " + e);
            cmd.getErr().flush();
            return 1;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TaskRequest request;
        PublisherConfig config;
        try {
            request = buildRequest();
            config = buildConfig();
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage(), 2);
        }
        try (TaskPublisher publisher = TaskPublisher.create(config)) {
            return publishAll(publisher, request, out, err);
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage(), 2);
        }
    }

    private int publishAll(TaskPublisher publisher, TaskRequest request, PrintWriter out, PrintWriter err) {
        AtomicBoolean failed = new AtomicBoolean();
        Deque<CompletableFuture<PublishReceipt>> inFlight = new ArrayDeque<>();
        Outcome outcome = new Outcome();
        long start = System.nanoTime();
        for (int i = 0; i < count && !failed.get(); i++) {
            if (rate != null) {
                waitUntil(start + (long) (i * 1_000_000_000d / rate));
            }
            CompletableFuture<PublishReceipt> future = publisher.publish(request);
            future.whenComplete((receipt, error) -> {
                if (error != null) {
                    failed.set(true);
                }
            });
            inFlight.add(future);
            while (!inFlight.isEmpty() && (inFlight.size() >= IN_FLIGHT_WINDOW || inFlight.peek().isDone())) {
                report(inFlight.poll(), out, outcome);
            }
        }
        while (!inFlight.isEmpty()) {
            report(inFlight.poll(), out, outcome);
        }
        out.flush();
        if (outcome.firstFailure == null) {
            return 0;
        }
        int notPublished = count - outcome.published;
        return fail(err, count == 1 ? outcome.firstFailure
                : notPublished + " of " + count + " tasks not published; first failure: " + outcome.firstFailure, 1);
    }

    private static final class Outcome {
        int published;
        String firstFailure;
    }

    private static void report(CompletableFuture<PublishReceipt> future, PrintWriter out, Outcome outcome) {
        try {
            PublishReceipt receipt = future.join();
            out.println(Json.receipt(receipt).toString());
            outcome.published++;
        } catch (CompletionException e) {
            if (outcome.firstFailure == null) {
                outcome.firstFailure = e.getCause() instanceof PublishException p ? p.getMessage() : String.valueOf(e.getCause());
            }
        }
    }

    private static void waitUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private TaskRequest buildRequest() {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be at least 1, not " + count);
        }
        if (rate != null && !(rate > 0)) {
            throw new IllegalArgumentException("--rate must be above 0, not " + rate);
        }
        byte[] payload = readPayload();
        if (Json.isJsonMediaType(contentType)) {
            requireJson(payload);
        }
        return TaskRequest.builder(type)
                .payload(payload)
                .key(key)
                .headers(headers)
                .deadline(parseDeadline(deadline, Instant.now()))
                .delay(startTime == null || startTime.delay == null ? null : Settings.parseDuration("--delay", startTime.delay))
                .notBefore(startTime == null ? null : parseNotBefore(startTime.notBefore))
                .contentType(contentType)
                .traceparent(traceparent)
                .topic(topic != null ? topic : env.getOrDefault("JOBWIRE_TOPIC", TopicNames.DEFAULT_TASK_TOPIC))
                .build();
    }

    /** JSON content types have no empty form: an empty payload (a forgotten pipe, an empty file) is a mistake. */
    private void requireJson(byte[] payload) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("the payload is not valid JSON (" + firstLine(e.getMessage())
                    + "); pass --content-type for other formats, e.g. text/plain");
        }
        if (root == null || root.isMissingNode()) {
            String source = payloadSource.text != null ? "--payload"
                    : payloadSource.file.equals("-") ? "standard input" : "file '" + payloadSource.file + "'";
            throw new IllegalArgumentException("the payload from " + source + " is empty, which is not JSON (content type "
                    + contentType + "); for an empty payload pass a content type that allows one, e.g. "
                    + "--content-type application/octet-stream");
        }
    }

    private PublisherConfig buildConfig() {
        KafkaPropertyNames.requireKnown(kafkaProperties.keySet());
        Map<String, String> properties = new LinkedHashMap<>();
        new Settings(env).kafkaClientProperties().forEach((k, v) -> properties.put(k.toString(), v.toString()));
        properties.putAll(kafkaProperties);
        String servers = bootstrapServers != null ? bootstrapServers
                : env.getOrDefault("JOBWIRE_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP_SERVERS);
        return PublisherConfig.builder(servers)
                .deliveryTimeout(Settings.parseDuration("--delivery-timeout", deliveryTimeout))
                .kafkaProperties(properties)
                .build();
    }

    private byte[] readPayload() {
        if (payloadSource.text != null) {
            return payloadSource.text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        String file = payloadSource.file;
        try {
            return file.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("payload file '" + file + "' does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read payload " + (file.equals("-") ? "from standard input" : "file '" + file + "'")
                    + ": " + e.getMessage());
        }
    }

    /** A duration from {@code now} ({@code 30s}, {@code PT5M}) or an ISO-8601 instant; null stays null. */
    static Instant parseDeadline(String value, Instant now) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.length() > 10 && Character.isDigit(v.charAt(0)) && v.contains("T")) {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--deadline '" + value + "' is not an ISO-8601 instant like 2026-11-26T05:05:00Z");
            }
        }
        Duration duration;
        try {
            duration = Settings.parseDuration("--deadline", v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--deadline '" + value + "' is neither a duration (30s, 5m, PT1M) "
                    + "nor an ISO-8601 instant (2026-11-26T05:05:00Z)");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--deadline '" + value + "' must be in the future");
        }
        return now.plus(duration);
    }

    /** An ISO-8601 instant; null stays null. */
    static Instant parseNotBefore(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--not-before '" + value + "' is not an ISO-8601 instant like 2026-12-01T10:00:00Z");
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** One line, whatever the message quotes (a type or header name with a line break in it). */
    private static int fail(PrintWriter err, String message, int exitCode) {
        err.println("jobwire-publish: " + ControlChars.escape(message));
        err.flush();
        return exitCode;
    }
}
