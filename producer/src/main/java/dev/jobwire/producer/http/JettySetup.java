package dev.jobwire.producer.http;

import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.EagerContentHandler;

/**
 * What a slow, idle or malformed client may cost the endpoint, set on Javalin's Jetty:
 * <ul>
 *   <li>one HTTP/1.1 connector on the configured host and port, closing a connection on which no
 *       byte moved for the idle timeout ({@code JOBWIRE_HTTP_IDLE_TIMEOUT});</li>
 *   <li>the read timeout ({@code JOBWIRE_HTTP_READ_TIMEOUT}) for a whole request, counted from its
 *       first byte: {@link HeaderReadDeadline} for its headers, {@link ReadDeadlineHandler} for its
 *       body; both end in 408 and a closed connection;</li>
 *   <li>task bodies of authorized POSTs are read by Jetty's {@link EagerContentHandler} before a
 *       route runs, without holding a thread while the bytes trickle in; a request that is refused
 *       at once (no token, or a declared length over the limit) is not read at all;</li>
 *   <li>Jetty's own refusals (431, 414, 400) as problem+json ({@link ProblemErrorHandler}).</li>
 * </ul>
 */
final class JettySetup {
    /** Room above the body limit for the transport's framing, which Jetty counts with the content. */
    private static final int FRAMING_ALLOWANCE = 64 * 1024;

    private JettySetup() {
    }

    static void apply(JavalinConfig javalin, ServerConfig config, BearerAuth auth) {
        javalin.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(config.host());
            connector.setPort(config.port());
            connector.setIdleTimeout(config.idleTimeout().toMillis());
            return connector;
        });
        javalin.jetty.modifyServer(server -> {
            server.setErrorHandler(new ProblemErrorHandler());
            // Enough to hold a body one byte over the limit, so the endpoint can answer 413 without waiting.
            EagerContentHandler eager = new EagerContentHandler(server.getHandler(),
                    new EagerContentHandler.RetainedContentLoaderFactory(config.maxBodyBytes() + 1L + FRAMING_ALLOWANCE,
                            -1, false));
            eager.includeMethod("POST");
            eager.includePath("/tasks", "/tasks/batch");
            // One predicate: several would be alternatives. A refused request (no token) or a body
            // declared over the limit is answered without its body being read.
            eager.include(request -> request.getLength() <= config.maxBodyBytes()
                    && auth.permits(request.getHeaders().get(HttpHeader.AUTHORIZATION)));
            server.setHandler(new ReadDeadlineHandler(eager, config.readTimeout()));
            server.addBean(new HeaderReadDeadline(server, config.readTimeout()));
        });
    }
}
