/**
 * Logback pieces shared by every service's text log ({@code config/logback.xml}): converters that
 * escape control characters in messages, MDC values and exception messages, so a value that came
 * from a task cannot forge or disguise a log line, and that label the task fields of the MDC.
 * Logback is an optional dependency of this module: nothing here loads unless a Logback
 * configuration names it.
 */
package dev.jobwire.logging;
