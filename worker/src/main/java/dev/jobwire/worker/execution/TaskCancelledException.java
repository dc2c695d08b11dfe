package dev.jobwire.worker.execution;

/** The worker gave up on a running task (shutdown or partition revocation); it will be redelivered. */
final class TaskCancelledException extends Exception {
    private static final long serialVersionUID = 1L;

    TaskCancelledException(String message) {
        super(message, null, false, false);
    }
}
