package dev.jobwire.worker.execution;

import dev.jobwire.worker.admission.WorkItem;
import org.slf4j.MDC;

/**
 * The task a log line is about, in the MDC of the thread running it: {@code task.id},
 * {@code task.type}, {@code task.at} ({@code topic-partition@offset}) and, from the second
 * attempt on, {@code task.attempt} (absent means the first).
 * The values are the task's own and may hold anything: the text log pattern escapes them
 * (config/logback.xml), JSON logs quote them.
 *
 * <p>Stateless; the MDC is per thread.
 */
public final class TaskLogContext {
    public static final String ID = "task.id";
    public static final String TYPE = "task.type";
    public static final String AT = "task.at";
    public static final String ATTEMPT = "task.attempt";

    private TaskLogContext() {
    }

    /** The record, before its headers are known. */
    static void record(WorkItem item) {
        MDC.put(AT, item.toString());
    }

    static void task(String id, String type) {
        MDC.put(ID, id);
        MDC.put(TYPE, type);
    }

    static void attempt(int attempt) {
        MDC.put(ATTEMPT, Integer.toString(attempt));
    }

    static void clear() {
        MDC.clear();
    }
}
