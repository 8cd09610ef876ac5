package io.integration.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The load of a run: the generator's plan, sent over {@code spread} in the background while a scenario injects faults. */
record Load(Generator.Plan plan, Duration spread) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sending in progress; closing waits until everything was sent. */
    interface Running extends AutoCloseable {
        void await() throws InterruptedException;

        @Override
        default void close() throws InterruptedException {
            await();
        }
    }

    Running start(Cluster cluster, int copies) {
        Thread sender = Thread.ofPlatform().name("generator").start(() -> new Generator(cluster.bootstrap()).send(plan, copies, spread));
        return sender::join;
    }

    /** Waits until every planned request has a result (at most 5 minutes). */
    void awaitAnswered(Cluster cluster) {
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "chaos-wait-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Cluster.RESULTS));
            while (!seen.containsAll(plan.requests().keySet()) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(JSON.readTree(r.value()).get("requestId").asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
