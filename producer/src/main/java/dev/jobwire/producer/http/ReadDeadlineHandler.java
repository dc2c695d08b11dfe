package dev.jobwire.producer.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Gives each request until the read timeout after its first byte ({@link Request#getBeginNanoTime()},
 * so slow headers count) to arrive in full. Past that, reading its body fails with a
 * {@link TimeoutException}, and a reader waiting for more bytes is woken to see it;
 * {@link TaskEndpoint} answers 408. Jetty's idle timeout only bounds the gap between two bytes, so
 * without this a client sending one byte every few seconds could take as long as it liked.
 *
 * <p>Thread-safe: each request's state is touched by the threads reading it and by Jetty's scheduler.
 */
final class ReadDeadlineHandler extends Handler.Wrapper {
    private final long timeoutNanos;

    ReadDeadlineHandler(Handler handler, Duration timeout) {
        super(handler);
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler next = getHandler();
        if (next == null) {
            return false;
        }
        DeadlineRequest deadlined = new DeadlineRequest(request);
        long remaining = timeoutNanos - NanoTime.since(request.getBeginNanoTime());
        if (remaining <= 0) {
            deadlined.expire();
        } else {
            deadlined.timer = request.getComponents().getScheduler().schedule(deadlined::expire, remaining,
                    TimeUnit.NANOSECONDS);
        }
        boolean handled = next.handle(deadlined, response, Callback.from(callback, deadlined::disarm));
        if (!handled) {
            deadlined.disarm();
        }
        return handled;
    }

    /** A request whose reads fail once its deadline has passed before its body was read in full. */
    private static final class DeadlineRequest extends Request.Wrapper {
        private volatile Scheduler.Task timer;
        private volatile Content.Chunk failure;
        private volatile boolean complete;
        /** The reader's latest demand, run at most once: by Jetty when bytes come, or by {@link #expire()}. */
        private final AtomicReference<Once> demand = new AtomicReference<>();

        DeadlineRequest(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk expired = failure;
            if (expired != null) {
                return expired;
            }
            Content.Chunk chunk = super.read();
            if (chunk != null && chunk.isLast()) {
                complete = true;
                disarm();
            }
            return chunk;
        }

        @Override
        public void demand(Runnable callback) {
            if (failure != null) {
                callback.run();
                return;
            }
            Once once = new Once(callback);
            demand.set(once);
            super.demand(once);
        }

        void expire() {
            if (complete) {
                return;
            }
            failure = Content.Chunk.from(new TimeoutException("the request did not arrive in full within the read timeout"), true);
            Once waiting = demand.getAndSet(null);
            if (waiting != null) {
                waiting.run();
            }
        }

        void disarm() {
            Scheduler.Task task = timer;
            if (task != null) {
                task.cancel();
            }
        }
    }

    /** Runs its callback the first time only, whoever calls it. */
    private static final class Once implements Runnable {
        private final Runnable callback;
        private final AtomicBoolean ran = new AtomicBoolean();

        Once(Runnable callback) {
            this.callback = callback;
        }

        @Override
        public void run() {
            if (ran.compareAndSet(false, true)) {
                callback.run();
            }
        }
    }
}
