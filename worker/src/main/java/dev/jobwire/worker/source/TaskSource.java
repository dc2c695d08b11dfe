package dev.jobwire.worker.source;

import java.time.Duration;

/**
 * Where tasks come from: a source owns its Kafka consumer and its poll thread ({@link #run}), hands
 * records to admission, and is told through each record's {@link Completion} when the worker is
 * done with it; what "done" means there (an offset commit, an acknowledgement) is its own business.
 *
 * <p>Implementations are thread-safe for {@link #requestStop()} and the status methods.
 */
public interface TaskSource extends Runnable {

    /** Polls until {@link #requestStop()}, then stops gracefully; runs on the source's own thread. */
    @Override
    void run();

    /** Asks the loop to stop; returns at once. */
    void requestStop();

    /** Waits for {@link #run()} to return. */
    boolean awaitFinished(Duration timeout) throws InterruptedException;

    /** Why the source cannot take work now, or null when it can. */
    String notReadyReason();

    /** The poll loop is alive and polled recently. */
    boolean isPolling();

    /** How long the oldest received, unfinished record has been in the worker; 0 when none. */
    double oldestUnfinishedAgeSeconds();
}
