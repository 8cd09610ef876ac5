package io.integration.embedded;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics on any cluster, leaving existing ones alone; shared by every {@link Infrastructure}. */
public final class KafkaTopics {

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
        }
    }
}
