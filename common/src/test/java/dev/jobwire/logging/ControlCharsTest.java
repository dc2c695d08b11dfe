package dev.jobwire.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlCharsTest {

    @Test
    void escapesLineBreaksTabsAndOtherControls() {
        assertThat(ControlChars.escape("a\r\nb\tc")).isEqualTo("a\\r\\nb\\tc");
        assertThat(ControlChars.escape("nul\u0000 esc\u001b[31m del\u007f c1\u0085")).isEqualTo(
                "nul\\u0000 esc\\u001b[31m del\\u007f c1\\u0085");
        assertThat(ControlChars.escape("line\u2028para\u2029")).isEqualTo("line\\u2028para\\u2029");
    }

    @Test
    void escapesBidiControls() {
        for (char c : new char[] {'\u061c', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069'}) {
            assertThat(ControlChars.isBidiControl(c)).as("U+%04X", (int) c).isTrue();
            assertThat(ControlChars.escape("x" + c + "y")).isEqualTo(String.format("x\\u%04xy", (int) c));
        }
        assertThat(ControlChars.isBidiControl('\u202f')).isFalse();
    }

    @Test
    void leavesOrdinaryTextAloneWithoutCopying() {
        String plain = "café – naïve \\n C:\\tmp 日本 🙂";
        assertThat(ControlChars.escape(plain)).isSameAs(plain);
        assertThat(ControlChars.firstUnsafe(plain)).isEqualTo(-1);
        assertThat(ControlChars.escape(null)).isNull();
        assertThat(ControlChars.firstUnsafe("ab\ncd")).isEqualTo(2);
    }
}
