package dev.jobwire.viewer.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page's three files, loaded once from the classpath ({@code /web/}). Only these exact paths
 * are served; no request path is ever turned into a file or resource name, so there is nothing to
 * traverse. Immutable.
 */
public final class StaticFiles {
    public record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> assets;

    public StaticFiles() {
        this.assets = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/app.js", load("app.js", "text/javascript; charset=utf-8"),
                "/app.css", load("app.css", "text/css; charset=utf-8"));
    }

    public Map<String, Asset> assets() {
        return assets;
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = StaticFiles.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource /web/" + name);
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
