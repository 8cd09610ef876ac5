package io.integration.bench.arms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the baseline loops share: their arguments ({@code bootstrap requests results events group stubUrl}),
 * clients, the stub URL of a request, the result they publish and how they treat a failed call (try again
 * after {@link #RETRY_DELAY}, so every arm answers every request). They print {@code READY} once assigned.
 */
public record BaselineArgs(String bootstrap, String requests, String results, String events, String group, String stubUrl, int inFlight) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a baseline waits before calling again after a failed call (the stub's faults are transient). */
    public static final Duration RETRY_DELAY = Duration.ofMillis(100);

    /** Parses {@code bootstrap requests results events group stubUrl [inFlight]} ({@code inFlight}: 0 when absent). */
    public static BaselineArgs parse(String[] args) {
        if (args.length != 6 && args.length != 7) {
            System.err.println("usage: <bootstrap> <requests-topic> <results-topic> <events-topic> <group> <stub-url> [<in-flight>]");
            System.exit(2);
        }
        return new BaselineArgs(args[0], args[1], args[2], args[3], args[4], args[5], args.length == 7 ? Integer.parseInt(args[6]) : 0);
    }

    /** A consumer subscribed to the requests topic that prints {@code READY} once assigned. */
    public KafkaConsumer<byte[], byte[]> consumer() {
        KafkaConsumer<byte[], byte[]> consumer = unsubscribedConsumer();
        consumer.subscribe(List.of(requests), readyListener());
        return consumer;
    }

    /** A consumer on the group, manual commits, reading from the start; not subscribed. */
    public KafkaConsumer<byte[], byte[]> unsubscribedConsumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Prints {@code READY <partitions>} on assignment: the driver starts its clock then. */
    public ConsumerRebalanceListener readyListener() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                System.out.println("READY " + partitions.size());
            }
        };
    }

    /** The producer of the concurrent arms: batches for up to 5 ms, as a throughput-minded client would. */
    public KafkaProducer<byte[], byte[]> producer() {
        return producer(5);
    }

    /** A producer that sends at once: the naive loop waits for every acknowledgement, so lingering would only add latency. */
    public KafkaProducer<byte[], byte[]> unbatchedProducer() {
        return producer(0);
    }

    private KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, lingerMs),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Whether a call's status counts as done; anything else is tried again after {@link #RETRY_DELAY}. */
    public static boolean succeeded(int status) {
        return status >= 200 && status < 300;
    }

    /** The request's fields the loops need. */
    public record Call(String requestId, String url) {
    }

    public Call call(byte[] value) {
        try {
            JsonNode request = JSON.readTree(value);
            JsonNode params = request.get("params");
            String id = request.get("requestId").asText();
            return new Call(id, stubUrl + "/work/" + params.get("key").asText() + "/" + params.get("seq").asText() + "/" + id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ProducerRecord<byte[], byte[]> result(String requestId, String body) {
        String json = "{\"requestId\":\"" + requestId + "\",\"status\":\"SUCCESS\",\"data\":" + JSON.valueToTree(body) + "}";
        return new ProducerRecord<>(results, requestId.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    public ProducerRecord<byte[], byte[]> event(String requestId) {
        String json = "{\"type\":\"integration.method.executed\",\"requestId\":\"" + requestId + "\"}";
        return new ProducerRecord<>(events, "bench".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }
}
