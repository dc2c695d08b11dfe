package dev.jobwire.worker.delay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.wire.DelayTiers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The tier routing on a simulated clock: a delayed task is published, moved by the tier movers
 * (each move a little late, as a real one is), and started by the worker once on its task topic.
 */
class DelayRouteTest {
    private static final DelayTiers TIERS = new DelayTiers(DelayTiers.DEFAULT_TIERS);
    private static final long MAX_MOVE_LATENCY_MS = 250;

    /** What happened to one delayed task. */
    private record Journey(long dueMs, long startMs, int hops, List<String> violations) {
    }

    /**
     * Publishes at time 0 a task due at {@code delayMs}. A record written to tier d at time a may
     * move at a + d (the broker's append time plus the tier); the mover moves it up to
     * {@link #MAX_MOVE_LATENCY_MS} later, to the tier that fits what is left, or to the task topic.
     */
    private static Journey travel(long delayMs, Random random) {
        List<String> violations = new ArrayList<>();
        long now = 0;
        int hops = 0;
        DelayRoute route = DelayRoute.of("tasks", TIERS, Duration.ofMillis(delayMs - now));
        while (!route.isTaskTopic()) {
            long tierMs = DelayTiers.delayOf(route.partition()).toMillis();
            long movableAt = now + tierMs;
            if (movableAt > delayMs) {
                violations.add("tier " + route.partition() + " entered at " + now + " ms would release it at " + movableAt
                        + " ms, after it is due at " + delayMs + " ms");
            }
            now = movableAt + (long) (random.nextDouble() * MAX_MOVE_LATENCY_MS);
            hops++;
            route = DelayRoute.of("tasks", TIERS, Duration.ofMillis(delayMs - now));
        }
        // On its task topic the worker holds it until due (or starts it at once if it is late).
        long start = Math.max(now, delayMs);
        return new Journey(delayMs, start, hops, violations);
    }

    private static int hopBound(long delayMs) {
        long top = TIERS.longest().toMillis();
        return TIERS.count() + (int) (delayMs / top) + 1;
    }

    @Test
    void delaysFromAMillisecondToThirtyDaysAreNeverEarlyAndTakeBoundedHops() {
        Random random = new Random(42);
        List<Long> delays = new ArrayList<>(List.of(1L, 999L, 1_000L, 1_001L, 1_500L, 2_000L, 7_000L, 45_000L, 65_535L,
                3_600_000L, 86_400_000L, TIERS.longest().toMillis(), TIERS.longest().toMillis() + 1, 30L * 86_400_000L));
        LongStream.range(0, 2_000).forEach(i -> delays.add((long) Math.exp(random.nextDouble() * Math.log(30.0 * 86_400_000))));
        for (long delay : delays) {
            Journey journey = travel(delay, random);
            assertThat(journey.violations()).as("delay %d ms", delay).isEmpty();
            assertThat(journey.startMs()).as("never started early, delay %d ms", delay).isGreaterThanOrEqualTo(journey.dueMs());
            assertThat(journey.hops()).as("hops for %d ms", delay).isLessThanOrEqualTo(hopBound(delay));
            // Lateness comes only from the last move, never adds up over the hops.
            assertThat(journey.startMs() - journey.dueMs()).as("lateness of %d ms", delay).isLessThanOrEqualTo(MAX_MOVE_LATENCY_MS);
        }
    }

    @Test
    void aDelayUnderTheSmallestTierGoesStraightToItsTaskTopicAndLongerOnesToTheLargestTierThatFits() {
        assertThat(DelayRoute.of("tasks", TIERS, Duration.ofMillis(999))).isEqualTo(new DelayRoute("tasks", null));
        assertThat(DelayRoute.of("tasks", TIERS, Duration.ofSeconds(1))).isEqualTo(new DelayRoute("tasks.delay", 0));
        assertThat(DelayRoute.of("tasks", TIERS, Duration.ofSeconds(7))).isEqualTo(new DelayRoute("tasks.delay", 2));
        assertThat(DelayRoute.of("tasks", TIERS, Duration.ofSeconds(45))).isEqualTo(new DelayRoute("tasks.delay", 5));
        assertThat(DelayRoute.of("tasks", TIERS, Duration.ofDays(30))).isEqualTo(new DelayRoute("tasks.delay", 21));
        assertThat(DelayRoute.of("tasks", TIERS, Duration.ofSeconds(-3))).isEqualTo(new DelayRoute("tasks", null));
    }

    @Test
    void aThirtyDayDelayTakesAtMostOneHopPerTierPlusTheTopTiersRepeats() {
        Journey journey = travel(30L * 86_400_000L, new Random(7));
        assertThat(journey.hops()).isLessThanOrEqualTo(DelayTiers.DEFAULT_TIERS + 1);
        assertThat(journey.startMs()).isGreaterThanOrEqualTo(journey.dueMs());
    }
}
