package io.integration.chaos;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the requests of a run at a steady rate, so the faults land while work is in flight, and records
 * what it sent: unique request ids over {@link Cluster#INSTANCES} instances (Kafka key: the instance id),
 * each with an ordering key and that key's sequence number, plus undecodable records where asked.
 */
final class Generator {

    /** One request as sent. */
    record Sent(String requestId, String instance, String key, int seq) {
    }

    /** What a run sent: the requests in order and how many poison records. */
    record Plan(Map<String, Sent> requests, int poison) {
    }

    private static final int KEYS_PER_INSTANCE = 25;

    private final String bootstrap;

    Generator(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** The requests of a run of {@code n} records, {@code poisonPercent} % of them poison instead. */
    static Plan plan(int n, int poisonPercent) {
        Map<String, Sent> requests = new LinkedHashMap<>();
        int poison = n * poisonPercent / 100;
        Map<String, Integer> nextSeq = new java.util.HashMap<>();
        for (int i = 0; i < n - poison; i++) {
            String instance = Cluster.instance(i % Cluster.INSTANCES);
            String key = "key-" + ((i / Cluster.INSTANCES) % KEYS_PER_INSTANCE);
            int seq = nextSeq.merge(instance + "/" + key, 1, Integer::sum) - 1;
            String id = "req-" + i;
            requests.put(id, new Sent(id, instance, key, seq));
        }
        return new Plan(requests, poison);
    }

    /**
     * Sends {@code plan} {@code copies} times over (each pass in order), spread over {@code over}, poison
     * records interleaved in the first pass.
     */
    void send(Plan plan, int copies, java.time.Duration over) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int pass = 0; pass < copies; pass++) {
            int poisonLeft = pass == 0 ? plan.poison() : 0;
            int spacing = poisonLeft == 0 ? Integer.MAX_VALUE : Math.max(1, plan.requests().size() / (poisonLeft + 1));
            int i = 0;
            for (Sent s : plan.requests().values()) {
                records.add(request(s));
                if (poisonLeft > 0 && ++i % spacing == 0) {
                    records.add(poison(records.size(), s.instance()));
                    poisonLeft--;
                }
            }
            while (poisonLeft-- > 0) {
                records.add(poison(records.size(), Cluster.instance(0)));
            }
        }
        long interval = over.toNanos() / Math.max(1, records.size());
        long next = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                LockSupport.parkNanos(next - System.nanoTime());
                next += interval;
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        throw new IllegalStateException("the generator could not produce a request: " + error, error);
                    }
                });
            }
            producer.flush();
        }
    }

    /** Produces {@code records} at once, in order, and returns when the broker has acknowledged all of them. */
    void sendNow(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> acks = records.stream().<Future<?>>map(producer::send).toList();
            producer.flush();
            for (Future<?> ack : acks) {
                ack.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("the generator could not produce a request: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ProducerRecord<byte[], byte[]> request(Sent s) {
        // The queue keeps no order and refuses an orderingKey: there the key is only a parameter (the stub logs it).
        String orderingKey = Cluster.mode == Cluster.Mode.SHARE ? "" : "\"orderingKey\":\"" + s.key() + "\",";
        String json = "{\"requestId\":\"" + s.requestId() + "\",\"integrationInstanceId\":\"" + s.instance() + "\",\"methodName\":\"call\","
                + orderingKey + "\"params\":{\"instance\":\"" + s.instance() + "\",\"key\":\"" + s.key()
                + "\",\"seq\":" + s.seq() + ",\"rid\":\"" + s.requestId() + "\"}}";
        return new ProducerRecord<>(Cluster.input(), s.instance().getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Undecodable: looks like JSON, is not; {@code poison-<n>} in its bytes tells which one it is. */
    static ProducerRecord<byte[], byte[]> poison(int n, String instance) {
        return new ProducerRecord<>(Cluster.input(), instance.getBytes(StandardCharsets.UTF_8),
                ("{\"requestId\": \"poison-" + n + "\", broken").getBytes(StandardCharsets.UTF_8));
    }
}
