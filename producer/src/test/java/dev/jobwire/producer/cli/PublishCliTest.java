package dev.jobwire.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Argument handling that fails before any broker is contacted. */
class PublishCliTest {

    @Test
    void helpExplainsEveryOption() {
        CliRun run = CliRun.run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).contains("--bootstrap-servers", "JOBWIRE_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "--topic",
                "--type", "--payload", "--payload-file", "standard input", "--key", "--header", "--deadline", "--delay",
                "--not-before", "notBefore",
                "--content-type", "--traceparent", "--count", "--rate", "--kafka-property", "--delivery-timeout",
                "Exit codes");
    }

    @Test
    void badStartTimesAreOneLineErrorsBeforeAnythingIsSent() {
        assertThat(CliRun.run("--type", "t", "--payload", "{}", "--delay", "soon").err())
                .isEqualTo("jobwire-publish: --delay='soon' is not a duration: use e.g. 250ms, 30s, 5m or PT30S"
                        + System.lineSeparator());
        CliRun negative = CliRun.run("--type", "t", "--payload", "{}", "--delay", "-5s");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).isEqualTo("jobwire-publish: delay -5s is negative; a task cannot be scheduled in the "
                + "past (no delay, or zero, starts it at once)" + System.lineSeparator());
        assertThat(CliRun.run("--type", "t", "--payload", "{}", "--not-before", "tomorrow").err())
                .isEqualTo("jobwire-publish: --not-before 'tomorrow' is not an ISO-8601 instant like 2026-12-01T10:00:00Z"
                        + System.lineSeparator());
        CliRun both = CliRun.run("--type", "t", "--payload", "{}", "--delay", "5s", "--not-before", "2026-12-01T10:00:00Z");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        // checked when publishing; the unreachable bootstrap server is never contacted
        CliRun expiresFirst = CliRun.run("--type", "t", "--payload", "{}", "--delay", "10m", "--deadline", "5m",
                "-b", "127.0.0.1:1", "--delivery-timeout", "1s");
        assertThat(expiresFirst.exitCode()).isEqualTo(2);
        assertThat(expiresFirst.err()).startsWith("jobwire-publish: deadline ")
                .endsWith(": the task would expire before it may start" + System.lineSeparator());
        CliRun tooFar = CliRun.run("--type", "t", "--payload", "{}", "--not-before", "9999-01-01T00:00:00Z",
                "-b", "127.0.0.1:1", "--delivery-timeout", "1s");
        assertThat(tooFar.exitCode()).isEqualTo(2);
        assertThat(tooFar.err()).isEqualTo("jobwire-publish: notBefore 9999-01-01T00:00:00Z is more than 3650 days "
                + "(about 10 years) ahead" + System.lineSeparator());
        assertThat(expiresFirst.out() + tooFar.out()).isEmpty();
    }

    @Test
    void missingTypeIsAOneLineUsageError() {
        CliRun run = CliRun.run("--payload", "{}");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("jobwire-publish: Missing required option: '--type=TYPE'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void payloadIsRequiredAndExclusive() {
        assertThat(CliRun.run("--type", "t").err()).startsWith("jobwire-publish: Missing required argument");
        CliRun both = CliRun.run("--type", "t", "--payload", "{}", "--payload-file", "x.json");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void invalidTypeSaysWhy() {
        CliRun run = CliRun.run("--type", "no spaces", "--payload", "{}");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("jobwire-publish: task type 'no spaces' may hold only letters, digits, "
                + "'.', '_', '-' and ':' and must start with a letter or digit" + System.lineSeparator());
    }

    @Test
    void reservedHeaderIsRejected() {
        CliRun run = CliRun.run("--type", "t", "--payload", "{}", "--header", "jobwire.task-id=mine");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("header 'jobwire.task-id' is reserved");
    }

    @Test
    void jsonPayloadMustBeJsonUnlessAnotherContentTypeIsGiven() {
        CliRun run = CliRun.run("--type", "t", "--payload", "hello");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("jobwire-publish: the payload is not valid JSON").contains("--content-type");
    }

    @Test
    void anEmptyJsonPayloadIsRefused() {
        CliRun stdin = CliRun.run(java.util.Map.of(), "", "--type", "t", "--payload-file", "-");
        assertThat(stdin.exitCode()).isEqualTo(2);
        assertThat(stdin.err()).isEqualTo("jobwire-publish: the payload from standard input is empty, which is not JSON "
                + "(content type application/json); for an empty payload pass a content type that allows one, e.g. "
                + "--content-type application/octet-stream" + System.lineSeparator());
        CliRun blank = CliRun.run(java.util.Map.of(), " \n\t", "--type", "t", "--payload-file", "-",
                "--content-type", "application/vnd.x+json");
        assertThat(blank.exitCode()).isEqualTo(2);
        assertThat(blank.err()).startsWith("jobwire-publish: the payload from standard input is empty");
        assertThat(CliRun.run("--type", "t", "--payload", "").err()).startsWith("jobwire-publish: the payload from --payload is empty");
        assertThat(blank.out()).isEmpty();
    }

    @Test
    void unknownKafkaPropertiesAreNamed() {
        CliRun unknown = CliRun.run("--type", "t", "--payload", "{}", "-X", "no.such.property=1");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("jobwire-publish: unknown Kafka producer property 'no.such.property' (-X). "
                + "Known names: https://kafka.apache.org/documentation/#producerconfigs" + System.lineSeparator());
        CliRun typo = CliRun.run("--type", "t", "--payload", "{}", "-X", "linger.ms=5", "-X", "lingr.ms=5");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("'lingr.ms' (-X): did you mean 'linger.ms'?");
    }

    @Test
    void errorsStayOnOneLineWhateverTheyQuote() {
        CliRun run = CliRun.run("--type", "t", "--payload", "{}", "--header", "a\nb=1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).singleElement().asString().contains("header name 'a\\nb' holds U+000A");
    }

    @Test
    void missingPayloadFile() {
        CliRun run = CliRun.run("--type", "t", "--payload-file", "/nonexistent/x.json");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("jobwire-publish: payload file '/nonexistent/x.json' does not exist" + System.lineSeparator());
    }

    @Test
    void badCountRateAndKafkaProperty() {
        assertThat(CliRun.run("--type", "t", "--payload", "{}", "--count", "0").err()).contains("--count must be at least 1");
        assertThat(CliRun.run("--type", "t", "--payload", "{}", "--rate", "-1").err()).contains("--rate must be above 0");
        assertThat(CliRun.run("--type", "t", "--payload", "{}", "--count", "x").err()).contains("'x' is not an int");
        CliRun acks = CliRun.run("--type", "t", "--payload", "{}", "-X", "acks=0");
        assertThat(acks.exitCode()).isEqualTo(2);
        assertThat(acks.err()).contains("acks=0 is not allowed: Jobwire always uses acks=all");
    }

    @Test
    void deadlineIsADurationOrAnInstant() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(PublishCli.parseDeadline("30s", now)).isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
        assertThat(PublishCli.parseDeadline("PT5M", now)).isEqualTo(Instant.parse("2026-01-01T00:05:00Z"));
        assertThat(PublishCli.parseDeadline("2026-11-26T05:05:00Z", now)).isEqualTo(Instant.parse("2026-11-26T05:05:00Z"));
        assertThat(PublishCli.parseDeadline(null, now)).isNull();
        assertThatThrownBy(() -> PublishCli.parseDeadline("soon", now)).hasMessageContaining("neither a duration");
        assertThatThrownBy(() -> PublishCli.parseDeadline("2026-13-26T05:05:00Z", now)).hasMessageContaining("not an ISO-8601 instant");
        assertThatThrownBy(() -> PublishCli.parseDeadline("0s", now)).hasMessageContaining("must be in the future");
    }

    @Test
    void pastDeadlineInstantIsRejected() {
        CliRun run = CliRun.run("--type", "t", "--payload", "{}", "--deadline", "2001-01-01T00:00:00Z",
                "--bootstrap-servers", "127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("deadline 2001-01-01T00:00:00Z has already passed");
    }
}
