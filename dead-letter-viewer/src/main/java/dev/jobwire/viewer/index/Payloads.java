package dev.jobwire.viewer.index;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Shows bytes as text when they are valid, printable UTF-8, else as hex. Stateless and thread-safe. */
public final class Payloads {
    private Payloads() {
    }

    /** The bytes as UTF-8 text, or null when they are not valid UTF-8 or hold control characters. */
    public static String textOrNull(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                return null;
            }
        }
        return text;
    }

    /** Text when possible, else {@code hex:} and the (shortened) hex dump. */
    public static String preview(byte[] bytes, int maxChars) {
        if (bytes == null) {
            return null;
        }
        String text = textOrNull(bytes);
        if (text == null) {
            text = "hex:" + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, maxChars / 2));
        }
        return text.length() > maxChars ? text.substring(0, maxChars) + "…" : text;
    }

    /**
     * Text that came from outside (task data, names, reasons) made safe for one log line: control,
     * format (bidi, zero-width) and line-separator characters as {@code \\uXXXX}, cut to 300 characters.
     */
    public static String loggable(String text) {
        if (text == null) {
            return "null";
        }
        String t = text.length() > 300 ? text.substring(0, 300) + "…" : text;
        StringBuilder sb = new StringBuilder(t.length());
        t.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    public static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }
}
