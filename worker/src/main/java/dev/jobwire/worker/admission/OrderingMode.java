package dev.jobwire.worker.admission;

import java.nio.ByteBuffer;

/**
 * How tasks of one partition may overtake each other.
 *
 * <ul>
 *   <li>{@link #UNORDERED} (default): any task may start as soon as there is capacity. Maximum
 *       throughput; a slow task never holds up others.
 *   <li>{@link #KEY}: tasks with the same record key run one at a time, in offset order; different
 *       keys still run in parallel. The cost: a slow or retrying task delays every later task of
 *       its key, and a hot key runs at the speed of one task at a time. Records without a key are
 *       unordered.
 * </ul>
 */
public enum OrderingMode {
    UNORDERED,
    KEY;

    /** The key the buffer serialises on, or null for "no constraint". */
    public Object orderingKeyOf(byte[] recordKey) {
        return this == KEY && recordKey != null ? ByteBuffer.wrap(recordKey) : null;
    }
}
