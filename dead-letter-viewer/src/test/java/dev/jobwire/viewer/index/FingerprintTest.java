package dev.jobwire.viewer.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FingerprintTest {
    private static final String STACK = "java.io.IOException: x\n\tat java.net.Socket.connect(Socket.java:1)\n"
            + "\tat com.acme.Billing.charge(Billing.java:42)\n\tat com.acme.Billing.run(Billing.java:12)\n"
            + "\tat dev.jobwire.worker.Runner.run(Runner.java:9)\n";

    @Test
    void masksVariableLookingTokens() {
        assertThat(Fingerprint.normalize("order 12345 for 5b3f0a7e-2f43-4c56-9c5e-0f6f2a8a1b11 failed at 0x7fff1234, commit deadbeef01"))
                .isEqualTo("order <n> for <uuid> failed at <hex>, commit <hex>");
        // Numbers of 8 or more digits are numbers, not hex ids.
        assertThat(Fingerprint.normalize("account 12345678901234 overdrawn by 12.50")).isEqualTo("account <n> overdrawn by <n>");
        assertThat(Fingerprint.normalize("no user ann.lee+test@mail.example.com")).isEqualTo("no user <email>");
        assertThat(Fingerprint.normalize("customer 'Ann Lee' and \"Bob\" not found, can't retry"))
                .isEqualTo("customer '…' and \"…\" not found, can't retry");
    }

    @Test
    void theSamePlaceIsOneGroupWhateverTheMessageSays() {
        Fingerprint a = Fingerprint.of("java.io.IOException", "timeout after 3000 ms for customer John Smith", STACK);
        Fingerprint b = Fingerprint.of("java.io.IOException", "connection refused by ann@example.com",
                STACK.replace("Billing.java:42", "Billing.java:57"));
        assertThat(a.id()).isEqualTo(b.id());
        assertThat(a.topFrames()).containsExactly("com.acme.Billing.charge", "com.acme.Billing.run");
        assertThat(a.topFrame()).isEqualTo("com.acme.Billing.charge");
        // Another exception class, or another place, is another group.
        assertThat(Fingerprint.of("java.lang.IllegalStateException", "timeout", STACK).id()).isNotEqualTo(a.id());
        assertThat(Fingerprint.of("java.io.IOException", "timeout", STACK.replace("Billing.charge", "Billing.refund")).id())
                .isNotEqualTo(a.id());
    }

    @Test
    void twentyThousandMessagesDifferingInNamesAndAddressesStayFewGroups() {
        Random random = new Random(7);
        String[] first = {"Ann", "Bob", "Chen", "Dana", "Emeka", "Fatima", "Gustav", "Hiro"};
        Set<String> withStack = new HashSet<>();
        Set<String> messageOnly = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String name = first[random.nextInt(first.length)] + " " + first[random.nextInt(first.length)] + i;
            String email = name.replace(' ', '.').toLowerCase() + "@customer" + random.nextInt(500) + ".example";
            String message = switch (i % 3) {
                case 0 -> "cannot charge card of " + name + " <" + email + ">: declined (code " + random.nextInt(99_999) + ")";
                case 1 -> "mail to " + email + " bounced after " + random.nextInt(10_000_000) + " ms, id " + UUID.randomUUID();
                default -> "customer '" + name + "' has no billing address (order " + (10_000_000_000L + i) + ")";
            };
            withStack.add(Fingerprint.of("com.acme.BillingException", message, STACK).id());
            messageOnly.add(Fingerprint.of("com.acme.BillingException", message, "").id());
        }
        assertThat(withStack).hasSize(1);
        // Without a stack trace the masked message decides; names outside quotes stay, but
        // addresses, numbers, ids and quoted values no longer split the groups.
        assertThat(Fingerprint.normalize("mail to a.b@c.example bounced after 123 ms, id " + UUID.randomUUID()))
                .isEqualTo("mail to <email> bounced after <n> ms, id <uuid>");
        assertThat(messageOnly.size()).isLessThan(100);
    }

    @Test
    void topFramesIgnoreCausesAndFallBackToTheFirstFrames() {
        String stack = "java.lang.RuntimeException: x\n\tat java.util.Objects.requireNonNull(Objects.java:1)\n"
                + "\tat java.util.Optional.get(Optional.java:2)\n"
                + "Caused by: java.io.IOException\n\tat com.acme.Deep.thing(Deep.java:1)\n";
        assertThat(Fingerprint.topFrames(stack)).containsExactly("java.util.Objects.requireNonNull", "java.util.Optional.get");
        assertThat(Fingerprint.topFrames("")).isEmpty();
        assertThat(Fingerprint.handlerFrame("\tat app//com.acme.X.y(X.java:3)")).isEqualTo("app//com.acme.X.y");
        assertThat(Fingerprint.topFrames(STACK + "\tat com.acme.A.a(A.java:1)\n\tat com.acme.B.b(B.java:1)\n"))
                .isEqualTo(List.of("com.acme.Billing.charge", "com.acme.Billing.run", "com.acme.A.a"));
    }
}
