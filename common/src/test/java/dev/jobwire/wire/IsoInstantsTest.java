package dev.jobwire.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantsTest {

    @Test
    void readsWhatInstantToStringWritesAsInstantParseDoes() {
        SplittableRandom random = new SplittableRandom(42);
        long maxSecond = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            long second = random.nextLong(-62_167_219_200L, maxSecond + 1); // from year 0000
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            String text = Instant.ofEpochSecond(second, nanos).toString();
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-26T07:06:33.1Z", "2026-11-26T07:06:33.12Z", "2026-11-26T07:06:33.1234Z",
            "2024-02-29T23:59:59.999999999Z", "2026-11-26T07:06:33+02:00", "2026-11-26T07:06:33.5-01:30",
            "+12026-01-01T00:00:00Z",
            "2026-11-26T07:06:33.Z", "2026-11-26T24:00:00Z"})
    void agreesWithInstantParseOnOtherShapes(String text) {
        assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-11-26", "2026-11-26T07:06:33",
            "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-26T07:60:00Z",
            "2026-11-26T07:06:33.1234567891Z", "2026-11-26 07:06:33Z", "2026-11-26T07:06:3xZ", "２０２６-11-26T07:06:33Z"})
    void rejectsWhatInstantParseRejects(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> IsoInstants.parse(text)).isInstanceOf(DateTimeParseException.class);
    }
}
