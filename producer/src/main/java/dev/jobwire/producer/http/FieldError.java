package dev.jobwire.producer.http;

/**
 * One problem with one part of a request body.
 *
 * @param pointer RFC 6901 JSON Pointer into the request body, e.g. {@code /0/type}; empty for the whole body
 * @param detail  what is wrong, in a sentence
 */
public record FieldError(String pointer, String detail) {

    /** {@code base} + "/" + {@code token}, with {@code ~} and {@code /} escaped as RFC 6901 says. */
    static String pointer(String base, String token) {
        return base + "/" + token.replace("~", "~0").replace("/", "~1");
    }
}
