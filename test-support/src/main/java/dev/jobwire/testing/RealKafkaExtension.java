package dev.jobwire.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a real Kafka broker: declare a {@link TestKafka} parameter on a test method,
 * a lifecycle method or the constructor. The first use in a JVM starts the broker; it stops when
 * the test run ends. In Testcontainers mode without a Docker engine, the tests are skipped and
 * the skip message says why.
 */
public final class RealKafkaExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealKafkaExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        String reason = KafkaTestBrokers.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return kafka(context);
    }

    static TestKafka kafka(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        return store.getOrComputeIfAbsent("broker", key -> new RunningBroker(KafkaTestBrokers.start()), RunningBroker.class)
                .started().kafka();
    }

    /** Stops the broker when JUnit closes the root store at the end of the run. */
    private record RunningBroker(KafkaTestBrokers.Started started) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            started.stopper().close();
        }
    }
}
