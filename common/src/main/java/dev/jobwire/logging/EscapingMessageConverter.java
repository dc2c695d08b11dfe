package dev.jobwire.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %safeMsg}: the formatted message with control characters escaped
 * ({@link ControlChars#escape}), so a value logged from a task cannot start a line of its own.
 * Stateless once started, thread-safe.
 */
public class EscapingMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return ControlChars.escape(super.convert(event));
    }
}
