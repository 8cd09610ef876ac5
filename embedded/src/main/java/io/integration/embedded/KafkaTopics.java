package io.integration.embedded;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics on any cluster, leaving existing ones alone; shared by every {@link Infrastructure}. */
public final class KafkaTopics {

    /** The topic config a share group's dead-letter queue needs (KIP-1191); its name must also start with {@code dlq.}. */
    public static final Map<String, String> SHARE_DLQ_CONFIG = Map.of("errors.deadletterqueue.group.enable", "true");

    private KafkaTopics() {
    }

    /** Creates the topics of {@code names} that do not exist yet, replication factor 1, with {@code configs}. */
    public static void create(String bootstrapServers, int partitions, Collection<String> names, Map<String, String> configs) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> topics = names.stream().map(n -> new NewTopic(n, partitions, (short) 1).configs(configs)).toList();
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + name, e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot create topic " + name, e);
                }
            });
            awaitLeaders(admin, names);
        }
    }

    /**
     * Waits until every partition has a leader and that leader serves it (answers a list-offsets request).
     * The broker's metadata names a leader a moment before its replica manager has created the partition;
     * producing in that moment gets NOT_LEADER_OR_FOLLOWER, and we saw the Kafka 4.4 idempotent producer
     * then loop forever on OUT_OF_ORDER_SEQUENCE_NUMBER. A topic is handed out only once it is served.
     */
    private static void awaitLeaders(Admin admin, Collection<String> names) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                boolean ready = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready && served(admin, names)) {
                    return;
                }
            } catch (Exception notYet) {
                // metadata not propagated yet: ask again
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("Topics " + names + " have no serving leader after 30 s");
    }

    private static boolean served(Admin admin, Collection<String> names) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        return true;
    }
}
