package dev.jobwire.viewer.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void masksUuidsHexIdsAndNumbers() {
        assertThat(Fingerprint.normalize("order 12345 for 5b3f0a7e-2f43-4c56-9c5e-0f6f2a8a1b11 failed at 0x7fff1234, commit deadbeef01"))
                .isEqualTo("order <n> for <uuid> failed at <hex>, commit <hex>");
    }

    @Test
    void sameErrorWithDifferentIdsSharesAFingerprint() {
        String stack = "java.io.IOException: x\n\tat java.net.Socket.connect(Socket.java:1)\n"
                + "\tat com.acme.Billing.charge(Billing.java:42)\n\tat dev.jobwire.worker.Runner.run(Runner.java:9)\n";
        Fingerprint a = Fingerprint.of("java.io.IOException", "timeout after 3000 ms for customer 17", stack);
        Fingerprint b = Fingerprint.of("java.io.IOException", "timeout after 5000 ms for customer 99",
                stack.replace("Billing.java:42", "Billing.java:57"));
        assertThat(a.id()).isEqualTo(b.id());
        assertThat(a.topFrame()).isEqualTo("com.acme.Billing.charge");
        assertThat(Fingerprint.of("java.io.IOException", "connection refused", stack).id()).isNotEqualTo(a.id());
        assertThat(Fingerprint.of("java.lang.IllegalStateException", "timeout after 1 ms for customer 1", stack).id())
                .isNotEqualTo(a.id());
    }

    @Test
    void topFrameIgnoresCausesAndFallsBackToFirstFrame() {
        String stack = "java.lang.RuntimeException: x\n\tat java.util.Objects.requireNonNull(Objects.java:1)\n"
                + "Caused by: java.io.IOException\n\tat com.acme.Deep.thing(Deep.java:1)\n";
        assertThat(Fingerprint.handlerFrame(stack)).isEqualTo("java.util.Objects.requireNonNull");
        assertThat(Fingerprint.handlerFrame("")).isEmpty();
        assertThat(Fingerprint.handlerFrame("\tat app//com.acme.X.y(X.java:3)")).isEqualTo("app//com.acme.X.y");
    }
}
