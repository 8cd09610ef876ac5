package io.integration.worker.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the configuration a share group needs before its first member joins. A new share group starts at the
 * <em>latest</em> offset by default, so without {@code share.auto.offset.reset=earliest} the requests produced before
 * the first worker started would never be read. The lock duration and the delivery limit are the group's, not the
 * consumer's: they are set here too, so that what the worker was configured with is what the broker does.
 */
final class ShareGroups {

    private static final Logger log = LoggerFactory.getLogger(ShareGroups.class);
    private static final long TIMEOUT_SECONDS = 30;

    private ShareGroups() {
    }

    /** The group configuration the worker sets: start at the earliest offset, the lock duration, the delivery limit. */
    static Map<String, String> configuration(Duration lockDuration, int deliveryLimit) {
        return Map.of("share.auto.offset.reset", "earliest",
                "share.record.lock.duration.ms", Long.toString(lockDuration.toMillis()),
                "share.delivery.count.limit", Integer.toString(deliveryLimit));
    }

    /**
     * Sets {@link #configuration} on {@code group} (idempotent).
     *
     * @throws IllegalStateException naming the group and the keys when the cluster refuses or does not answer: the worker does not start
     */
    static void configure(Map<String, String> kafka, String group, Duration lockDuration, int deliveryLimit) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "integration-worker-share-setup");
        Map<String, String> wanted = configuration(lockDuration, deliveryLimit);
        List<AlterConfigOp> ops = wanted.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList();
        try (Admin admin = Admin.create(props)) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), ops)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            log.info("Share group '{}' configured: {}", group, new java.util.TreeMap<>(wanted));
        } catch (ExecutionException e) {
            throw refused(group, wanted, e.getCause().toString());
        } catch (TimeoutException e) {
            throw refused(group, wanted, "no answer within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused(group, wanted, "interrupted");
        }
    }

    private static IllegalStateException refused(String group, Map<String, String> wanted, String why) {
        return new IllegalStateException("worker.share.group: cannot configure share group '" + group + "' with " + new java.util.TreeMap<>(wanted)
                + " (" + why + "). Give the worker ALTER_CONFIGS on the group, or set these yourself and start with "
                + "worker.share.configure=false");
    }
}
