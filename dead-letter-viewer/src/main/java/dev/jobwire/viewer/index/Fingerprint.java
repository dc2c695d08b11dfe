package dev.jobwire.viewer.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * An error group: exception class + normalised message + the top stack frame of the handler.
 * Dead letters that failed "the same way" share a fingerprint even when ids and numbers in their
 * messages differ. Immutable; the static methods are pure and thread-safe.
 *
 * @param id                16 hex characters, stable across restarts and viewer instances
 * @param normalizedMessage the message with UUIDs, hex ids and numbers masked
 * @param topFrame          the first stack frame outside the JDK, Kafka and Jobwire's own worker
 *                          (the handler's code), or the first frame at all; empty when unknown
 */
public record Fingerprint(String id, String exceptionClass, String normalizedMessage, String topFrame) {

    private static final Pattern UUID = Pattern.compile(
            "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
    private static final Pattern HEX_PREFIXED = Pattern.compile("\\b0[xX][0-9a-fA-F]+\\b");
    /** Hex runs of 8+ characters with at least one digit (commit ids, object ids, hashes). */
    private static final Pattern HEX_ID = Pattern.compile("\\b(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}\\b");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final int MAX_MESSAGE = 300;
    private static final String[] FRAMEWORK_PREFIXES = {
            "java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "scala.", "org.apache.kafka.",
            "dev.jobwire.worker.", "org.springframework.", "io.micrometer.", "dev.failsafe."};

    public static Fingerprint of(String exceptionClass, String message, String stackTrace) {
        String cls = exceptionClass == null ? "" : exceptionClass;
        String normalized = normalize(message);
        String frame = handlerFrame(stackTrace);
        return new Fingerprint(hash(cls + "\n" + normalized + "\n" + frame), cls, normalized, frame);
    }

    /** Masks UUIDs, hex ids and numbers, and collapses white space. */
    public static String normalize(String message) {
        if (message == null || message.isEmpty()) {
            return "";
        }
        String m = message.length() > 4 * MAX_MESSAGE ? message.substring(0, 4 * MAX_MESSAGE) : message;
        m = UUID.matcher(m).replaceAll("<uuid>");
        m = HEX_PREFIXED.matcher(m).replaceAll("<hex>");
        m = HEX_ID.matcher(m).replaceAll("<hex>");
        m = NUMBER.matcher(m).replaceAll("<n>");
        m = m.replaceAll("\\s+", " ").trim();
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) : m;
    }

    /** The first frame ({@code at ...}) of the final exception that is not framework code. */
    public static String handlerFrame(String stackTrace) {
        if (stackTrace == null || stackTrace.isEmpty()) {
            return "";
        }
        String first = null;
        for (String line : stackTrace.split("\n", 200)) {
            String t = line.trim();
            if (t.startsWith("Caused by:") || t.startsWith("Suppressed:")) {
                break; // only the final exception's own frames
            }
            if (!t.startsWith("at ")) {
                continue;
            }
            String frame = stripLineNumber(t.substring(3).trim());
            if (first == null) {
                first = frame;
            }
            if (!isFramework(frame)) {
                return frame;
            }
        }
        return first == null ? "" : first;
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
