package dev.jobwire.viewer;

import java.util.ArrayList;
import java.util.List;

/**
 * What a viewer test opened (viewers, producers), closed in reverse order after the test.
 *
 * <p>Not thread-safe: one test's thread uses it.
 */
final class Opened implements AutoCloseable {
    private final List<AutoCloseable> all = new ArrayList<>();

    <T extends AutoCloseable> T add(T closeable) {
        all.add(closeable);
        return closeable;
    }

    /** Starts a viewer, closed after the test. */
    ViewerServer viewer(ViewerConfig config) {
        return add(ViewerServer.start(config));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : all.reversed()) {
            closeable.close();
        }
        all.clear();
    }
}
