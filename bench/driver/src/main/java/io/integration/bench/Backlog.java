package io.integration.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the benchmark's requests: JSON, keyed and ordered by the workload's keys, each carrying its key's sequence
 * number, so the stub can check per-key order. Request {@code i} of a run always has the same key and sequence number,
 * so a backlog can be produced in chunks.
 */
final class Backlog {

    private final String bootstrap;

    Backlog(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /**
     * Keeps a backlog ahead of the arm until {@code stop} says so: whenever {@code wanted} (requests to add now) is positive,
     * produces that many more (at most 20,000 at a time) as fast as the broker takes them, counting them in {@code produced}.
     * Runs on a thread of its own, so the result reader never waits for it.
     */
    void feed(String topic, String prefix, Workload workload, boolean ordered, java.util.concurrent.atomic.AtomicLong produced,
              java.util.function.LongSupplier wanted, BooleanSupplier stop) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            while (!stop.getAsBoolean()) {
                long more = Math.min(20_000, wanted.getAsLong());
                if (more <= 0) {
                    LockSupport.parkNanos(20_000_000L);
                    continue;
                }
                long from = produced.get();
                for (long i = from; i < from + more; i++) {
                    producer.send(request(topic, prefix, "k", workload, i, ordered));
                }
                producer.flush();
                produced.addAndGet(more);
            }
        }
    }

    /**
     * Produces requests at {@code perSecond} (keys {@code keyPrefix<n>}) until {@code stop} says so, recording when each
     * was sent (epoch millis) by request id in {@code sentAt}; returns how many it produced.
     */
    long producePaced(String topic, String prefix, String keyPrefix, Workload workload, int perSecond, boolean ordered,
                      Map<String, Long> sentAt, BooleanSupplier stop) {
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        long i = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            while (!stop.getAsBoolean()) {
                LockSupport.parkNanos(next - System.nanoTime());
                next += interval;
                sentAt.put(prefix + "-" + i, System.currentTimeMillis());
                producer.send(request(topic, prefix, keyPrefix, workload, i++, ordered));
            }
            producer.flush();
        }
        return i;
    }

    static Map<String, Long> sentTimes() {
        return new ConcurrentHashMap<>();
    }

    /** A request of the i-th key; {@code ordered}: with that key as its orderingKey (the queue refuses one). */
    private static ProducerRecord<byte[], byte[]> request(String topic, String prefix, String keyPrefix, Workload workload, long i, boolean ordered) {
        Workload.Key key = workload.key(keyPrefix, i);
        String id = prefix + "-" + i;
        String json = "{\"requestId\":\"" + id + "\",\"integrationInstanceId\":\"" + workload.instance() + "\",\"methodName\":\"call\","
                + (ordered ? "\"orderingKey\":\"" + key.name() + "\"," : "")
                + "\"params\":{\"key\":\"" + key.name() + "\",\"seq\":" + key.seq() + ",\"rid\":\"" + id + "\"}}";
        return new ProducerRecord<>(topic, key.name().getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    /** The Kafka default producer (idempotent, acks=all), batching for up to 5 ms. */
    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
