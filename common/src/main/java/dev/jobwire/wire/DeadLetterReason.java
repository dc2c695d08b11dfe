package dev.jobwire.wire;

/** Why a task went to the dead-letter topic. Written as the enum name. */
public enum DeadLetterReason {
    /** No handler is registered for the task's type. Never attempted. */
    UNKNOWN_TYPE,
    /** The record's headers could not be decoded as a task. Never attempted. */
    UNDECODABLE,
    /** Every allowed attempt failed with a retryable error. */
    RETRIES_EXHAUSTED,
    /** The handler failed with an error it marked as not worth retrying. */
    NON_RETRYABLE,
    /** The task's deadline passed, before it started or while it ran. */
    EXPIRED
}
