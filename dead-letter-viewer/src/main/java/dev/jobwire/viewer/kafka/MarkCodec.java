package dev.jobwire.viewer.kafka;

import dev.jobwire.viewer.Json;
import dev.jobwire.viewer.index.Mark;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Marks as JSON values of the compacted marks topic; a null value (tombstone) re-opens. Stateless. */
public final class MarkCodec {
    private MarkCodec() {
    }

    public static byte[] encode(Mark mark) {
        try {
            return mark == null ? null : Json.MAPPER.writeValueAsBytes(mark);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null for a tombstone. @throws IOException when the value is not a mark */
    public static Mark decode(byte[] value) throws IOException {
        return value == null ? null : Json.MAPPER.readValue(value, Mark.class);
    }
}
