package dev.jobwire.viewer.audit;

import dev.jobwire.viewer.Json;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest audit records read from the audit topic (from every viewer instance), for the page.
 * Thread-safe: the follower thread adds, HTTP threads read.
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    public static final int KEEP = 1_000;
    private final ArrayDeque<AuditRecord> records = new ArrayDeque<>();

    public synchronized void add(byte[] json) {
        if (json == null) {
            return;
        }
        try {
            records.addFirst(Json.MAPPER.readValue(json, AuditRecord.class));
            while (records.size() > KEEP) {
                records.removeLast();
            }
        } catch (IOException e) {
            LOG.warn("Ignoring an audit record that is not JSON: {}", e.getMessage());
        }
    }

    /** Newest first. */
    public synchronized List<AuditRecord> newest(int max) {
        List<AuditRecord> out = new ArrayList<>();
        for (AuditRecord r : records) {
            if (out.size() >= max) {
                break;
            }
            out.add(r);
        }
        return out;
    }
}
