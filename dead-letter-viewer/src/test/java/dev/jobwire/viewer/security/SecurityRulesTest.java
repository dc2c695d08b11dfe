package dev.jobwire.viewer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SecurityRulesTest {

    @Test
    void onlyTheViewersOwnHostNamesAreAccepted() {
        HostAllowlist hosts = new HostAllowlist("127.0.0.1", List.of("viewer.internal.example"));
        assertThat(hosts.allows("127.0.0.1:8083")).isTrue();
        assertThat(hosts.allows("localhost:8083")).isTrue();
        assertThat(hosts.allows("LOCALHOST")).isTrue();
        assertThat(hosts.allows("[::1]:8083")).isTrue();
        assertThat(hosts.allows("viewer.internal.example:443")).isTrue();
        assertThat(hosts.allows("viewer.internal.example.")).isTrue();
        // DNS rebinding: the attacker's own name, resolving to 127.0.0.1.
        assertThat(hosts.allows("evil.example:8083")).isFalse();
        assertThat(hosts.allows("127.0.0.1.evil.example")).isFalse();
        assertThat(hosts.allows("")).isFalse();
        assertThat(hosts.allows(null)).isFalse();
        // A wildcard bind address is not a name anyone can use.
        assertThat(new HostAllowlist("0.0.0.0", List.of()).allows("0.0.0.0:8083")).isFalse();
        assertThat(new HostAllowlist("10.1.2.3", List.of()).allows("10.1.2.3:8083")).isTrue();
    }

    @Test
    void weakTokensAreRefused() {
        assertThat(TokenStrength.problem("change-me")).contains("well-known");
        assertThat(TokenStrength.problem("short-but-random")).contains("at least 20");
        assertThat(TokenStrength.problem("aaaaaaaaaaaaaaaaaaaaaaaaaaaa")).contains("different characters");
        assertThat(TokenStrength.problem(Sessions.randomToken())).isNull();
        assertThatThrownBy(() -> TokenStrength.require("JOBWIRE_VIEWER_TOKEN", "change-me"))
                .hasMessageContaining("JOBWIRE_VIEWER_TOKEN is too weak");
    }

    @Test
    void wrongTokensAreThrottledPerClientWithGrowingBlocks() {
        AtomicLong now = new AtomicLong();
        AuthThrottle throttle = new AuthThrottle(now::get);
        for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
            assertThat(throttle.blockedFor("10.0.0.1")).isZero();
            throttle.failed("10.0.0.1", "test");
        }
        assertThat(throttle.blockedFor("10.0.0.1")).isZero();
        throttle.failed("10.0.0.1", "test"); // 6th
        assertThat(throttle.blockedFor("10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.blockedFor("10.0.0.2")).isZero(); // per client
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        throttle.failed("10.0.0.1", "test"); // 7th
        assertThat(throttle.blockedFor("10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
        for (int i = 0; i < 30; i++) {
            throttle.failed("10.0.0.1", "test");
        }
        assertThat(throttle.blockedFor("10.0.0.1")).isEqualTo(Duration.ofMinutes(15));
        throttle.succeeded("10.0.0.1");
        assertThat(throttle.blockedFor("10.0.0.1")).isZero();
    }
}
