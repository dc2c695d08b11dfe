package dev.jobwire.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * {@code %safeEx}: Logback's stack trace ({@code %ex}) with control characters in every exception
 * message escaped, so a message built from task data (a handler's {@code "bad input: " + payload})
 * cannot forge log lines. The stack frames keep their own lines. Thread-safe.
 */
public class EscapingThrowableConverter extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return super.throwableProxyToString(EscapedProxy.of(proxy));
    }

    /** A view of a throwable proxy whose messages (and those of its causes) are escaped. */
    private record EscapedProxy(IThrowableProxy delegate) implements IThrowableProxy {
        static IThrowableProxy of(IThrowableProxy proxy) {
            return proxy == null || proxy instanceof EscapedProxy ? proxy : new EscapedProxy(proxy);
        }

        @Override
        public String getMessage() {
            return ControlChars.escape(delegate.getMessage());
        }

        @Override
        public String getOverridingMessage() {
            return ControlChars.escape(delegate.getOverridingMessage());
        }

        @Override
        public String getClassName() {
            return delegate.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return delegate.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return delegate.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return of(delegate.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = delegate.getSuppressed();
            if (suppressed == null) {
                return null;
            }
            IThrowableProxy[] escaped = new IThrowableProxy[suppressed.length];
            for (int i = 0; i < suppressed.length; i++) {
                escaped[i] = of(suppressed[i]);
            }
            return escaped;
        }

        @Override
        public boolean isCyclic() {
            return delegate.isCyclic();
        }
    }
}
