package dev.jobwire.worker.source.share;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a share group ready before its first worker joins: the broker must have share groups
 * enabled (the {@code share.version} feature, finalized at 1 or more: Kafka 4.2+, on by default on
 * a cluster formatted by 4.2+), and the group must start at the earliest offset, as consumer groups
 * do here (Kafka's default for share groups is the latest offset, which skips every task published
 * before the group first existed). An operator's own {@code share.auto.offset.reset} is kept.
 * Reads the group's lock duration, delivery-count limit and whether lock renewal is allowed.
 *
 * <p>Stateless; runs once, on the worker's start-up thread.
 */
public final class ShareGroupSetup {
    static final String SHARE_VERSION = "share.version";
    static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
    static final String LOCK_DURATION = "share.record.lock.duration.ms";
    static final String DELIVERY_COUNT_LIMIT = "share.delivery.count.limit";
    static final String RENEW_ENABLE = "share.renew.acknowledge.enable";
    private static final Logger log = LoggerFactory.getLogger(ShareGroupSetup.class);
    private static final long TIMEOUT_SECONDS = 30;

    /**
     * What the share group is set to.
     *
     * @param lockDuration       how long a record stays acquired without an acknowledgement
     * @param deliveryCountLimit deliveries after which the broker gives up on a record (archives it)
     * @param renewAllowed       whether a lock may be renewed ({@code RENEW}) while its task runs
     */
    public record Settings(Duration lockDuration, int deliveryCountLimit, boolean renewAllowed) {
    }

    private ShareGroupSetup() {
    }

    /**
     * @throws ShareGroupsUnavailableException when the broker has no share groups, naming what to enable
     */
    public static Settings prepare(Admin admin, String groupId, String bootstrapServers) throws InterruptedException {
        requireShareGroups(admin, bootstrapServers);
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        try {
            Config config = admin.describeConfigs(List.of(group)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(group);
            ConfigEntry reset = config.get(AUTO_OFFSET_RESET);
            if (reset == null || reset.source() != ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG) {
                AlterConfigOp earliest = new AlterConfigOp(new ConfigEntry(AUTO_OFFSET_RESET, "earliest"), AlterConfigOp.OpType.SET);
                admin.incrementalAlterConfigs(Map.of(group, List.of(earliest))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                log.info("share group {}: set {}=earliest, so tasks published before the group existed are delivered",
                        groupId, AUTO_OFFSET_RESET);
            } else {
                log.info("share group {}: keeping {}={} as set on the group", groupId, AUTO_OFFSET_RESET, reset.value());
            }
            Settings settings = new Settings(Duration.ofMillis(intOf(config, LOCK_DURATION, 30_000)),
                    intOf(config, DELIVERY_COUNT_LIMIT, 5), boolOf(config, RENEW_ENABLE, false));
            log.info("share group {}: record lock {} ms, delivery-count limit {}, lock renewal {}", groupId,
                    settings.lockDuration().toMillis(), settings.deliveryCountLimit(),
                    settings.renewAllowed() ? "allowed" : "not allowed (tasks must finish within the lock)");
            return settings;
        } catch (ExecutionException | TimeoutException e) {
            throw new ShareGroupsUnavailableException("could not read or set the configuration of share group '" + groupId
                    + "' at " + bootstrapServers + ": " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    private static void requireShareGroups(Admin admin, String bootstrapServers) throws InterruptedException {
        FinalizedVersionRange share;
        try {
            share = admin.describeFeatures().featureMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).finalizedFeatures()
                    .get(SHARE_VERSION);
        } catch (ExecutionException | TimeoutException e) {
            throw new ShareGroupsUnavailableException("could not ask the broker at " + bootstrapServers
                    + " whether it has share groups: " + (e.getCause() != null ? e.getCause() : e), e);
        }
        String missing = missingShareGroups(share, bootstrapServers);
        if (missing != null) {
            throw new ShareGroupsUnavailableException(missing);
        }
    }

    /** What to enable, when the finalized {@code share.version} (null when absent) has no share groups; else null. */
    static String missingShareGroups(FinalizedVersionRange share, String bootstrapServers) {
        if (share != null && share.maxVersionLevel() >= 1) {
            return null;
        }
        return "JOBWIRE_CONSUMER_MODE=share needs share groups, which the broker at " + bootstrapServers
                + " does not have enabled (finalized share.version is " + (share == null ? "absent" : share.maxVersionLevel())
                + "). Share groups need Kafka 4.2 or later; enable them with: kafka-features.sh --bootstrap-server "
                + bootstrapServers + " upgrade --feature share.version=1 (or use JOBWIRE_CONSUMER_MODE=group)";
    }

    private static int intOf(Config config, String name, int fallback) {
        ConfigEntry entry = config.get(name);
        try {
            return entry == null || entry.value() == null ? fallback : Integer.parseInt(entry.value());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static boolean boolOf(Config config, String name, boolean fallback) {
        ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null ? fallback : Boolean.parseBoolean(entry.value());
    }
}
