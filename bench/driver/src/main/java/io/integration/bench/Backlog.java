package io.integration.bench;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the benchmark's requests: JSON, keyed and ordered by {@code k<i mod keys>}, each carrying its
 * key's sequence number, so the stub can check per-key order.
 */
final class Backlog {

    private final String bootstrap;

    Backlog(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Produces {@code count} requests as fast as the broker takes them and waits for all to be written. */
    void produce(String topic, String prefix, Workload workload, int count, boolean ordered) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < count; i++) {
                producer.send(request(topic, prefix, "k", workload, i, ordered));
            }
            producer.flush();
        }
    }

    /**
     * Produces {@code count} requests (keys {@code p<n>}, apart from the backlog's) at {@code perSecond};
     * returns when each was sent (epoch millis) by request id.
     */
    Map<String, Long> producePaced(String topic, String prefix, Workload workload, int count, int perSecond, boolean ordered) {
        Map<String, Long> sentAt = new HashMap<>();
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < count; i++) {
                LockSupport.parkNanos(next - System.nanoTime());
                next += interval;
                sentAt.put(prefix + "-" + i, System.currentTimeMillis());
                producer.send(request(topic, prefix, "p", workload, i, ordered));
            }
            producer.flush();
        }
        return sentAt;
    }

    /** A request of {@code key}; {@code ordered}: with that key as its orderingKey (the queue refuses one). */
    private static ProducerRecord<byte[], byte[]> request(String topic, String prefix, String keyPrefix, Workload workload, int i, boolean ordered) {
        String key = keyPrefix + (i % workload.keys());
        String id = prefix + "-" + i;
        String json = "{\"requestId\":\"" + id + "\",\"integrationInstanceId\":\"bench\",\"methodName\":\"call\","
                + (ordered ? "\"orderingKey\":\"" + key + "\"," : "") + "\"params\":{\"key\":\"" + key + "\",\"seq\":" + (i / workload.keys()) + ",\"rid\":\"" + id + "\"}}";
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    /** The Kafka default producer (idempotent, acks=all), batching for up to 5 ms. */
    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
