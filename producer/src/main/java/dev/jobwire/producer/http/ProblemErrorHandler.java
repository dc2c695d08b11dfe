package dev.jobwire.producer.http;

import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers - requests it refuses before any route sees them: 431 (headers too
 * large), 414 (URI too long), 400 (not valid HTTP) - as the problem+json every other answer is,
 * instead of Jetty's HTML page. Immutable once configured, thread-safe.
 */
final class ProblemErrorHandler extends ErrorHandler {
    /** Jetty's default limit for the request line and headers, when the request does not say its own. */
    private static final int DEFAULT_HEADER_SIZE = 8192;

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        int headerSize = request.getConnectionMetaData().getHttpConfiguration().getRequestHeaderSize();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(problem(code, message, headerSize).toUtf8()), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE));
        return ByteBuffer.wrap(problem(status, reason, DEFAULT_HEADER_SIZE).toUtf8());
    }

    static Problem problem(int status, String message, int requestHeaderSize) {
        String title = HttpStatus.getMessage(status);
        return switch (status) {
            case 431 -> Problem.of(status, "request-header-fields-too-large", title,
                    "the request line and headers are larger than " + requestHeaderSize + " bytes");
            case 414 -> Problem.of(status, "uri-too-long", title, "the request URI is longer than " + requestHeaderSize
                    + " bytes");
            case 400 -> Problem.of(status, "bad-request", title, "the request is not valid HTTP/1.1"
                    + (message == null || message.isBlank() || message.equals(title) ? "" : ": " + message));
            case 500 -> Problem.of(status, "internal-error", "Internal Server Error", "unexpected error; see the server log");
            default -> Problem.of(status, title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"), title,
                    message == null || message.isBlank() ? title : message);
        };
    }
}
