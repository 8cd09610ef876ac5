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
 *
 * <p>The broker archives a record delivered {@code share.delivery.count.limit} times (a request that kept crashing its
 * workers, or was given back on its last delivery) without telling anyone. With a dead-letter queue (KIP-1191) it writes
 * the record, with headers saying why, to that topic first: nothing leaves the queue unseen. The topic's name must start
 * with the broker's {@code errors.deadletterqueue.topic.name.prefix} ({@code dlq.}) and the topic must have
 * {@code errors.deadletterqueue.group.enable=true}; the worker checks both before it starts.
 */
final class ShareGroups {

    private static final Logger log = LoggerFactory.getLogger(ShareGroups.class);
    private static final long TIMEOUT_SECONDS = 30;

    private ShareGroups() {
    }

    /** The topic config a share group's dead-letter queue must have. */
    static final String DLQ_TOPIC_ENABLE = "errors.deadletterqueue.group.enable";

    /**
     * The group configuration the worker sets: start at the earliest offset, the lock duration, the delivery limit, and the
     * dead-letter queue unless {@code deadLetterQueue} is blank.
     */
    static Map<String, String> configuration(Duration lockDuration, int deliveryLimit, String deadLetterQueue) {
        Map<String, String> wanted = new java.util.TreeMap<>(Map.of("share.auto.offset.reset", "earliest",
                "share.record.lock.duration.ms", Long.toString(lockDuration.toMillis()),
                "share.delivery.count.limit", Integer.toString(deliveryLimit)));
        if (!deadLetterQueue.isBlank()) {
            wanted.put("errors.deadletterqueue.topic.name", deadLetterQueue);
            wanted.put("errors.deadletterqueue.copy.record.enable", "true");
        }
        return wanted;
    }

    /**
     * Sets {@link #configuration} on {@code group} (idempotent).
     *
     * @throws IllegalStateException naming the group and the keys when the cluster refuses or does not answer: the worker does not start
     */
    static void configure(Map<String, String> kafka, String group, Duration lockDuration, int deliveryLimit, String deadLetterQueue) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "integration-worker-share-setup");
        Map<String, String> wanted = configuration(lockDuration, deliveryLimit, deadLetterQueue);
        List<AlterConfigOp> ops = wanted.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList();
        try (Admin admin = Admin.create(props)) {
            if (deadLetterQueue.isBlank()) {
                log.warn("worker.share.dlq.topic is blank: the broker drops a record of share group '{}' after {} deliveries without a trace",
                        group, deliveryLimit);
            } else {
                checkDeadLetterQueue(admin, deadLetterQueue);
            }
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

    /** The dead-letter queue must exist and be enabled for share groups, or the broker would drop what it should keep. */
    private static void checkDeadLetterQueue(Admin admin, String topic) throws ExecutionException, TimeoutException, InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        org.apache.kafka.clients.admin.Config config;
        try {
            config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                throw new IllegalStateException("worker.share.dlq.topic: topic '" + topic + "' does not exist (expected: a topic with "
                        + DLQ_TOPIC_ENABLE + "=true whose name starts with the broker's errors.deadletterqueue.topic.name.prefix, 'dlq.' by "
                        + "default; the embedded stack and docker-compose's topics service create dlq.integration.requests.queue; or set worker.share.dlq.topic= to run without one)");
            }
            throw e;
        }
        ConfigEntry enabled = config.get(DLQ_TOPIC_ENABLE);
        if (enabled == null || !"true".equals(enabled.value())) {
            throw new IllegalStateException("worker.share.dlq.topic: topic '" + topic + "' has " + DLQ_TOPIC_ENABLE + "="
                    + (enabled == null ? "(unset)" : enabled.value()) + " (expected: true, or the broker refuses to write to it and drops "
                    + "the record)");
        }
    }

    private static IllegalStateException refused(String group, Map<String, String> wanted, String why) {
        return new IllegalStateException("worker.share.group: cannot configure share group '" + group + "' with " + new java.util.TreeMap<>(wanted)
                + " (" + why + "). Give the worker ALTER_CONFIGS on the group, or set these yourself and start with "
                + "worker.share.configure=false");
    }
}
