package dev.jobwire.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shipped text patterns ({@code config/logback.xml}, {@code config/logback-quiet.xml}) with task values in them. */
class TextLogPatternTest {
    private static final String FORGED = "12:00:00.000 INFO  [main] d.j.w.TaskRunner - task succeeded";

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aForgedLineInAMessageStaysOnItsLine() {
        String line = encode("logback.xml", "CONSOLE", event("unknown task type '{}'", Map.of(), null,
                "a\n" + FORGED));
        assertThat(line.lines()).hasSize(1);
        assertThat(line).endsWith(" - unknown task type 'a\\n" + FORGED + "'" + System.lineSeparator());
    }

    @Test
    void taskFieldsOfTheMdcAreLabelledAndEscaped() {
        String line = encode("logback.xml", "CONSOLE", event("task failed", Map.of(
                "task.id", "bad-4b\r\n" + FORGED, "task.type", "no.such\u202etype", "task.at", "jobwire.tasks-5@17",
                "task.attempt", "2"), null));
        assertThat(line.lines()).hasSize(1);
        assertThat(line).contains(" dev.jobwire.Test task=bad-4b\\r\\n" + FORGED
                + " type=no.such\\u202etype at=jobwire.tasks-5@17 attempt=2 - task failed");
    }

    @Test
    void labelsPrintOnlyForTheFieldsThatAreSet() {
        assertThat(encode("logback.xml", "CONSOLE", event("started", Map.of(), null)))
                .contains(" dev.jobwire.Test - started").doesNotContain("task=", "type=", "at=", "attempt=");
        assertThat(encode("logback.xml", "CONSOLE", event("polled", Map.of("task.id", "t-1", "task.at", "q-0@3"), null)))
                .contains(" dev.jobwire.Test task=t-1 at=q-0@3 - polled").doesNotContain("type=", "attempt=");
        assertThat(encode("logback.xml", "CONSOLE", event("x", Map.of("task.type", ""), null)))
                .contains(" dev.jobwire.Test - x");
    }

    @Test
    void exceptionMessagesAreEscapedAndFramesKeepTheirLines() {
        Exception error = new IllegalStateException("bad input: a\n" + FORGED, new RuntimeException("cause\r\nhere"));
        String text = encode("logback.xml", "CONSOLE", event("task failed", Map.of(), error));
        List<String> lines = text.lines().toList();
        assertThat(lines.get(1)).isEqualTo("java.lang.IllegalStateException: bad input: a\\n" + FORGED);
        assertThat(lines).noneMatch(l -> l.startsWith(FORGED));
        assertThat(lines).anyMatch(l -> l.startsWith("\tat dev.jobwire.logging.TextLogPatternTest."));
        assertThat(lines).anyMatch(l -> l.equals("Caused by: java.lang.RuntimeException: cause\\r\\nhere"));
    }

    @Test
    void theQuietPatternEscapesToo() {
        String line = encode("logback-quiet.xml", "STDERR", event("publishing {}", Map.of(), null, "x\r\n" + FORGED));
        assertThat(line.lines()).hasSize(1);
        assertThat(line).endsWith(" - publishing x\\r\\n" + FORGED + System.lineSeparator());
    }

    private ILoggingEvent event(String message, Map<String, String> mdc, Throwable error, Object... args) {
        Logger logger = context.getLogger("dev.jobwire.Test");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message, error, args);
        event.setMDCPropertyMap(mdc);
        return event;
    }

    /** Configures the context from {@code config/<file>} and encodes {@code event} with that appender's encoder. */
    private String encode(String file, String appender, ILoggingEvent event) {
        Path config = Path.of("..", "config", file);
        assertThat(config).exists();
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(Files.newInputStream(config));
        } catch (Exception e) {
            throw new AssertionError("cannot configure Logback from " + config, e);
        }
        assertThat(context.getStatusManager().getCopyOfStatusList()).filteredOn(s -> s.getLevel() >= Status.WARN).isEmpty();
        OutputStreamAppender<ILoggingEvent> output =
                (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(appender);
        Encoder<ILoggingEvent> encoder = output.getEncoder();
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
