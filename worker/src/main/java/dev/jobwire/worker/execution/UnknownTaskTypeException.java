package dev.jobwire.worker.execution;

import java.util.Set;

/** No handler is registered for a task's type. */
public final class UnknownTaskTypeException extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownTaskTypeException(String type, Set<String> known) {
        super("no handler is registered for task type '" + type + "' (this worker knows " + known + ")");
    }
}
