package dev.jobwire.producer.http;

import dev.jobwire.producer.internal.Durations;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers 408 and closes the connection when a request's headers have not arrived in full within
 * the read timeout of its first byte. Jetty parses headers without holding a thread, but bounds
 * only the gap between two bytes (the idle timeout), so a client sending a header byte every few
 * seconds could keep a connection for hours. No Jetty setting bounds the whole; the HTTP/1.1
 * parser records when a request began, so this looks at every connection's parser every
 * {@code period} (at most a second) on Jetty's scheduler. Once the headers are in,
 * {@link ReadDeadlineHandler} bounds the body.
 *
 * <p>The 408 is written straight to the connection: no request exists yet to answer through. A
 * request whose last header byte arrives in the same instant as the check could see its own
 * response follow the 408 on a closing connection; only a client that took the whole read timeout
 * to send its headers can meet that.
 *
 * <p>Thread-safe: runs on Jetty's scheduler; reads parser state the I/O threads write.
 */
final class HeaderReadDeadline extends AbstractLifeCycle implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(HeaderReadDeadline.class);

    private final Server server;
    private final long timeoutNanos;
    private final long periodNanos;
    private final Problem problem;
    private final byte[] answer;
    private final Set<EndPoint> closing = ConcurrentHashMap.newKeySet();
    private volatile Scheduler.Task next;

    HeaderReadDeadline(Server server, Duration timeout) {
        this.server = server;
        this.timeoutNanos = timeout.toNanos();
        this.periodNanos = Math.min(Duration.ofSeconds(1).toNanos(), timeoutNanos / 4);
        this.problem = Problem.of(408, "request-timeout", "Request Timeout", "the request headers did not "
                + "arrive in full within " + Durations.format(timeout) + " (JOBWIRE_HTTP_READ_TIMEOUT)");
        this.answer = rawResponse(problem);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        schedule();
    }

    @Override
    protected void doStop() throws Exception {
        Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
        super.doStop();
    }

    private void schedule() {
        next = server.getScheduler().schedule(this, periodNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        try {
            for (Connector connector : server.getConnectors()) {
                for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                    if (endPoint.getConnection() instanceof HttpConnection connection && overdue(connection.getParser())) {
                        expire(endPoint);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("checking request header deadlines failed", e);
        } finally {
            if (isRunning()) {
                schedule();
            }
        }
    }

    private boolean overdue(HttpParser parser) {
        long begin = parser.getBeginNanoTime();
        return begin != 0 && parser.inHeaderState() && !parser.isStart() && NanoTime.since(begin) > timeoutNanos;
    }

    private void expire(EndPoint endPoint) {
        if (!closing.add(endPoint)) {
            return;
        }
        log.info("connection from {}: {}", endPoint.getRemoteSocketAddress(), problem.summary());
        Runnable close = () -> {
            endPoint.close();
            closing.remove(endPoint);
        };
        endPoint.write(Callback.from(close, failure -> close.run()), ByteBuffer.wrap(answer));
    }

    private static byte[] rawResponse(Problem problem) {
        byte[] body = problem.toUtf8();
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: " + Problem.CONTENT_TYPE + "\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }
}
