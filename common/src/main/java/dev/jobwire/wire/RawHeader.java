package dev.jobwire.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A consumed header's key and value read in place, without the strings and copies Kafka's
 * {@link Header#key()} and {@link Header#value()} make. A consumed {@link RecordHeader} holds its
 * key and value as slices of the fetched batch and decodes them on first access, each under a
 * lock; with five Jobwire headers on every task, that was the largest single cost of consuming a
 * no-op task. So for {@code RecordHeader} this reads the slices through its fields (a private
 * detail of kafka-clients, checked by {@code RawHeaderTest} for the version in use); for any other
 * {@code Header}, or if those fields are not there, it uses the public methods. Either way it only
 * reads: the header stays as it was.
 *
 * <p>Not thread-safe: one header at a time, by the thread decoding its record.
 */
final class RawHeader {
    private static final VarHandle KEY;
    private static final VarHandle KEY_BUFFER;
    private static final VarHandle VALUE;
    private static final VarHandle VALUE_BUFFER;

    static {
        VarHandle key = null;
        VarHandle keyBuffer = null;
        VarHandle value = null;
        VarHandle valueBuffer = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(RecordHeader.class, MethodHandles.lookup());
            key = lookup.findVarHandle(RecordHeader.class, "key", String.class);
            keyBuffer = lookup.findVarHandle(RecordHeader.class, "keyBuffer", ByteBuffer.class);
            value = lookup.findVarHandle(RecordHeader.class, "value", byte[].class);
            valueBuffer = lookup.findVarHandle(RecordHeader.class, "valueBuffer", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            key = null; // another kafka-clients layout: the public methods it is
        }
        KEY = key;
        KEY_BUFFER = keyBuffer;
        VALUE = value;
        VALUE_BUFFER = valueBuffer;
    }

    private ByteBuffer keyBytes;
    private String keyText;
    private ByteBuffer valueBytes;
    private byte[] valueArray;

    /** Whether headers are read in place (false: through the public methods). */
    static boolean inPlace() {
        return KEY != null;
    }

    /** Points at {@code next}; returns this. */
    RawHeader of(Header next) {
        keyBytes = null;
        valueBytes = null;
        valueArray = null;
        keyText = null;
        if (KEY != null && next instanceof RecordHeader) {
            keyText = (String) KEY.getVolatile(next);
            if (keyText == null) {
                keyBytes = (ByteBuffer) KEY_BUFFER.get(next);
                if (keyBytes == null) {
                    keyText = next.key(); // decoded meanwhile
                }
            }
            valueArray = (byte[]) VALUE.getVolatile(next);
            if (valueArray == null) {
                valueBytes = (ByteBuffer) VALUE_BUFFER.getVolatile(next);
            }
        } else {
            keyText = next.key();
            valueArray = next.value();
        }
        return this;
    }

    /** The key's length in bytes (in characters for an ASCII key). */
    int keyLength() {
        return keyBytes != null ? keyBytes.remaining() : keyText.length();
    }

    /** Whether the key is {@code name}, given with its ASCII bytes. */
    boolean keyIs(String name, byte[] nameBytes) {
        if (keyBytes == null) {
            return name.equals(keyText);
        }
        return keyBytes.remaining() == nameBytes.length && startsWith(keyBytes, nameBytes);
    }

    /** Whether {@code bytes} (from its position) start with {@code prefix}; compared in bulk on the backing array. */
    static boolean startsWith(ByteBuffer bytes, byte[] prefix) {
        if (bytes.hasArray()) {
            int from = bytes.arrayOffset() + bytes.position();
            return Arrays.equals(bytes.array(), from, from + prefix.length, prefix, 0, prefix.length);
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes.get(bytes.position() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code bytes} (from its position) are exactly {@code expected}. */
    static boolean equals(ByteBuffer bytes, byte[] expected) {
        return bytes.remaining() == expected.length && startsWith(bytes, expected);
    }

    /** The value as a buffer to read from its position (not to be changed), or null for a null value. */
    ByteBuffer value() {
        if (valueArray != null) {
            return ByteBuffer.wrap(valueArray);
        }
        return valueBytes;
    }

    /** The value as UTF-8 text, or null. */
    String valueText() {
        if (valueArray != null) {
            return new String(valueArray, StandardCharsets.UTF_8);
        }
        if (valueBytes == null) {
            return null;
        }
        return text(valueBytes);
    }

    static String text(ByteBuffer bytes) {
        if (bytes.hasArray()) {
            return new String(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(), StandardCharsets.UTF_8);
        }
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        return new String(copy, StandardCharsets.UTF_8);
    }

    /** ASCII bytes of {@code name}, for {@link #keyIs}. */
    static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
