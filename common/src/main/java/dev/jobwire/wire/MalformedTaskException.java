package dev.jobwire.wire;

/** A record that does not follow the wire format; the message names the offending header. */
public class MalformedTaskException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedTaskException(String message) {
        super(message);
    }
}
