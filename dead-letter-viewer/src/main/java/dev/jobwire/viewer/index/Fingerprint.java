package dev.jobwire.viewer.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An error group: the exception class plus the top frames of the code that failed. Dead letters
 * that failed at the same place share a fingerprint whatever their messages say (names, e-mail
 * addresses, ids and amounts differ from message to message; the place does not). Only when there
 * is no stack trace at all does the message, with variable-looking tokens masked, stand in for the
 * place. Immutable; the static methods are pure and thread-safe.
 *
 * @param id                16 hex characters, stable across restarts and viewer instances
 * @param normalizedMessage the message with variable-looking tokens masked (shown, and used for the
 *                          id only when {@code topFrames} is empty)
 * @param topFrames         up to {@value #FRAMES} frames of the final exception, line numbers dropped:
 *                          the handler's own frames (outside the JDK, Kafka and Jobwire's worker),
 *                          or the first frames when there are none; empty when there is no stack trace
 */
public record Fingerprint(String id, String exceptionClass, String normalizedMessage, List<String> topFrames) {

    /** How many stack frames identify the place. */
    public static final int FRAMES = 3;

    private static final Pattern UUID = Pattern.compile(
            "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
    private static final Pattern EMAIL = Pattern.compile("[\\w.%+-]+@[\\w-]+(?:\\.[\\w-]+)+");
    /** Text in straight or typographic quotes or back-ticks: names, values, paths. */
    private static final Pattern QUOTED = Pattern.compile("(?<!\\w)'[^'\\n]{0,200}'(?!\\w)|\"[^\"\\n]{0,200}\"|`[^`\\n]{0,200}`|“[^”\\n]{0,200}”|‘[^’\\n]{0,200}’");
    private static final Pattern HEX_PREFIXED = Pattern.compile("\\b0[xX][0-9a-fA-F]+\\b");
    /** Hex runs of 8+ characters with at least one letter a-f and one digit (commit ids, hashes). */
    private static final Pattern HEX_ID = Pattern.compile("\\b(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}\\b");
    /** Numbers of any length, with a sign, decimals or thousands separators. */
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:[.,]\\d+)*");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final int MAX_MESSAGE = 300;
    private static final String[] FRAMEWORK_PREFIXES = {
            "java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "scala.", "org.apache.kafka.",
            "dev.jobwire.worker.", "org.springframework.", "io.micrometer.", "dev.failsafe."};

    public Fingerprint {
        topFrames = List.copyOf(topFrames);
    }

    public static Fingerprint of(String exceptionClass, String message, String stackTrace) {
        String cls = exceptionClass == null ? "" : exceptionClass;
        String normalized = normalize(message);
        List<String> frames = topFrames(stackTrace);
        String place = frames.isEmpty() ? "message:" + normalized : String.join("\n", frames);
        return new Fingerprint(hash(cls + "\n" + place), cls, normalized, frames);
    }

    /** The first top frame, or empty. */
    public String topFrame() {
        return topFrames.isEmpty() ? "" : topFrames.getFirst();
    }

    /**
     * Masks what varies between messages of the same error: UUIDs ({@code <uuid>}), e-mail
     * addresses ({@code <email>}), quoted values ({@code '…'}), hex ids ({@code <hex>}) and numbers of
     * any length ({@code <n>}); collapses white space; keeps at most 300 characters.
     */
    public static String normalize(String message) {
        if (message == null || message.isEmpty()) {
            return "";
        }
        String m = message.length() > 4 * MAX_MESSAGE ? message.substring(0, 4 * MAX_MESSAGE) : message;
        m = UUID.matcher(m).replaceAll("<uuid>");
        m = EMAIL.matcher(m).replaceAll("<email>");
        m = QUOTED.matcher(m).replaceAll(r -> {
            char open = r.group().charAt(0);
            char close = r.group().charAt(r.group().length() - 1);
            return java.util.regex.Matcher.quoteReplacement(open + "…" + close);
        });
        m = HEX_PREFIXED.matcher(m).replaceAll("<hex>");
        m = HEX_ID.matcher(m).replaceAll("<hex>");
        m = NUMBER.matcher(m).replaceAll("<n>");
        m = SPACE.matcher(m).replaceAll(" ").trim();
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) : m;
    }

    /**
     * Up to {@value #FRAMES} frames ({@code at ...}) of the final exception, line numbers dropped: the
     * first ones that are not framework code, else the first ones at all.
     */
    public static List<String> topFrames(String stackTrace) {
        if (stackTrace == null || stackTrace.isEmpty()) {
            return List.of();
        }
        List<String> first = new ArrayList<>(FRAMES);
        List<String> own = new ArrayList<>(FRAMES);
        for (String line : stackTrace.split("\n", 400)) {
            String t = line.trim();
            if (t.startsWith("Caused by:") || t.startsWith("Suppressed:")) {
                break; // only the final exception's own frames
            }
            if (!t.startsWith("at ")) {
                continue;
            }
            String frame = stripLineNumber(t.substring(3).trim());
            if (first.size() < FRAMES) {
                first.add(frame);
            }
            if (!isFramework(frame)) {
                own.add(frame);
                if (own.size() == FRAMES) {
                    break;
                }
            }
        }
        return own.isEmpty() ? first : own;
    }

    /** The first frame of the handler's own code, or the first frame at all (kept for callers of one frame). */
    public static String handlerFrame(String stackTrace) {
        List<String> frames = topFrames(stackTrace);
        return frames.isEmpty() ? "" : frames.getFirst();
    }

    /** Line numbers change with every edit of the file; the method is what identifies the place. */
    private static String stripLineNumber(String frame) {
        int paren = frame.indexOf('(');
        return paren > 0 ? frame.substring(0, paren) : frame;
    }

    private static boolean isFramework(String frame) {
        String f = frame.contains("/") ? frame.substring(frame.lastIndexOf('/') + 1) : frame;
        for (String prefix : FRAMEWORK_PREFIXES) {
            if (f.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
