package dev.jobwire.producer.cli;

import java.lang.reflect.Method;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Kafka client's own warnings (reconnect attempts, metadata retries) off the CLI's
 * standard error, where the tool prints one line saying what went wrong. Works when Logback is the
 * SLF4J backend (it is on the producer's runtime class path); with any other backend it does
 * nothing. Reflection keeps Logback a runtime-only dependency of this library module.
 */
final class CliLogging {
    private CliLogging() {
    }

    static void quietKafkaClient() {
        try {
            Object logger = LoggerFactory.getLogger("org.apache.kafka");
            Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level", true, logger.getClass().getClassLoader());
            Object error = levelClass.getField("ERROR").get(null);
            Method setLevel = logger.getClass().getMethod("setLevel", levelClass);
            setLevel.invoke(logger, error);
        } catch (ReflectiveOperationException | LinkageError e) {
            // not Logback: leave logging as configured
        }
    }
}
