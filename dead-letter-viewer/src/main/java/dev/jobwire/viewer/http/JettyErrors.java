package dev.jobwire.viewer.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches the routes (malformed or escaping URIs
 * such as {@code /../pom.xml} or {@code %00}): a fixed JSON body with the security headers, and
 * 404 instead of 400 for bad paths, so probing reveals nothing. Stateless and thread-safe.
 */
public final class JettyErrors implements Request.Handler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        boolean badPath = status == 400;
        response.setStatus(badPath ? 404 : status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("Content-Security-Policy", ApiRoutes.CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("Cache-Control", "no-store");
        String body = badPath || status == 404 ? "{\"error\":\"not found\"}" : "{\"error\":\"HTTP " + status + "\"}";
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
