package dev.jobwire.viewer;

import java.io.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a generated token to the person who started the viewer without putting it in the log (logs
 * are shipped and kept; a token in them is a token for anyone who reads them): printed once on the
 * terminal when there is one, else written to a file only the owner can read, whose path is logged.
 * Stateless.
 */
final class GeneratedToken {
    private static final Logger LOG = LoggerFactory.getLogger(GeneratedToken.class);

    private GeneratedToken() {
    }

    static void handOver(String token, int port) {
        Console console = System.console();
        if (console != null && isTerminal(console)) {
            console.writer().println("jobwire dead-letter viewer: JOBWIRE_VIEWER_TOKEN is not set; the token for this run "
                    + "(shown once, not logged): " + token);
            console.writer().flush();
            LOG.warn("JOBWIRE_VIEWER_TOKEN is not set: a token was generated for this run and printed once on the terminal");
            return;
        }
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "jobwire-viewer-" + port + ".token");
        try {
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated token to " + file
                    + "; set JOBWIRE_VIEWER_TOKEN instead", e);
        }
        LOG.warn("JOBWIRE_VIEWER_TOKEN is not set and there is no terminal: the token generated for this run is in {} "
                + "(readable by this user only)", file);
    }

    /** JDK 22+ may return a console that is not a terminal (output redirected); JDK 21 returns none then. */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
