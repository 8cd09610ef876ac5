package io.integration.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integration.avro.IntegrationResult;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code request send}: produces one JSON request to the requests topic (keyed by instance, as the task layer does),
 * waits for its result on the results topic (keyed by request id) and prints it. The consumer is positioned at the end
 * of every results partition before the request is sent, so the result cannot be missed however fast the worker is.
 * A JSON request is answered in JSON by default ({@code results.format=mirror}); an Avro result is decoded when
 * {@code --schema-registry-url} is given.
 */
@Command(name = "request", description = "Send requests through Kafka.")
final class RequestCommand {

    @ParentCommand
    Cli cli;

    @Command(name = "status", description = "A request's latest status from the topology: ACCEPTED, DEFERRED, SUCCEEDED or FAILED, with"
            + " its error code and attempts (needs the API's API_TOPOLOGY_URL).")
    int status(@picocli.CommandLine.Parameters(paramLabel = "REQUEST_ID") String requestId) {
        cli.output().object(cli.api().get("/requests/" + ApiClient.segment(requestId)), List.of("requestId", "status", "instanceId",
                "methodName", "errorCode", "attempts", "acceptedAt", "updatedAt"));
        return ExitCodes.OK;
    }

    @Command(name = "send", description = "Send one request, wait for its result, print it (exit 0 SUCCESS, 5 ERROR, 6 no result).")
    int send(@Option(names = "--instance", required = true) String instance,
             @Option(names = "--method", required = true) String method,
             @Option(names = "--params", defaultValue = "{}", description = "Params as a JSON object (default {}).") String params,
             @Option(names = "--request-id", description = "Default: a random UUID.") String requestId,
             @Option(names = "--wait", defaultValue = "30s", description = "How long to wait for the result (default 30s).") String wait,
             @Option(names = "--bootstrap-servers", defaultValue = "${env:INTEGRATION_KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
                     description = "Kafka (env INTEGRATION_KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).") String bootstrap,
             @Option(names = "--requests-topic", defaultValue = "integration.requests") String requestsTopic,
             @Option(names = "--results-topic", defaultValue = "integration.results") String resultsTopic,
             @Option(names = "--schema-registry-url", defaultValue = "${env:INTEGRATION_SCHEMA_REGISTRY_URL}") String registryUrl) {
        Duration timeout = duration(wait);
        String id = requestId == null ? UUID.randomUUID().toString() : requestId;
        ObjectNode request = ApiClient.JSON.createObjectNode().put("requestId", id).put("integrationInstanceId", instance)
                .put("methodName", method).put("deadline", Instant.now().plus(timeout).toString());
        request.set("params", json("--params", params));

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000), new StringSerializer(), new StringSerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(resultsTopic, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve "end" now, before the request exists
            producer.send(new ProducerRecord<>(requestsTopic, instance, request.toString())).get(15, TimeUnit.SECONDS);
            cli.output().message("Sent " + id + " to " + requestsTopic + "; waiting up to " + wait + " for its result ...");
            return await(consumer, id, timeout, registryUrl);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new Cli.Refused(ExitCodes.UNAVAILABLE, "Kafka at " + bootstrap + ": " + cause.getMessage()
                    + " (--bootstrap-servers / INTEGRATION_KAFKA_BOOTSTRAP_SERVERS)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.UNAVAILABLE;
        }
    }

    private int await(KafkaConsumer<byte[], byte[]> consumer, String id, Duration timeout, String registryUrl) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (Arrays.equals(record.key(), key)) {
                    JsonNode result = decode(record.value(), registryUrl);
                    print(result);
                    return "SUCCESS".equals(result.path("status").asText()) ? ExitCodes.OK : ExitCodes.RESULT_ERROR;
                }
            }
        }
        System.err.println("error: no result for " + id + " within " + timeout.toSeconds() + " s (is a worker running?)");
        return ExitCodes.NO_RESULT;
    }

    private void print(JsonNode result) {
        Output out = cli.output();
        if (out.json()) {
            out.print(result);
            return;
        }
        out.object(result, List.of("requestId", "status", "definitionVersion", "attempts", "durationMs"));
        if (result.hasNonNull("data")) {
            out.message("data: " + result.get("data").asText());
        }
        if (result.hasNonNull("error")) {
            out.message("error: " + result.at("/error/code").asText() + ": " + result.at("/error/message").asText());
        }
    }

    private static JsonNode decode(byte[] value, String registryUrl) {
        if (value != null && value.length > 0 && value[0] == AvroWireCodec.MAGIC_BYTE) {
            if (registryUrl == null) {
                throw new Cli.Refused(ExitCodes.USAGE, "the result is Avro: pass --schema-registry-url (or INTEGRATION_SCHEMA_REGISTRY_URL) to read it");
            }
            try (SchemaRegistryClient registry = SchemaRegistryClient.forUrl(registryUrl)) {
                IntegrationResult result = AvroWireCodec.of(IntegrationResult.class, registry).decode(value);
                return json("result", result.toString());
            }
        }
        return json("result", new String(value == null ? new byte[0] : value, StandardCharsets.UTF_8));
    }

    private static JsonNode json(String what, String text) {
        try {
            JsonNode node = ApiClient.JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new Cli.Refused(ExitCodes.USAGE, what + ": expected a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Cli.Refused(ExitCodes.USAGE, what + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static Duration duration(String text) {
        try {
            return io.integration.registry.text.DurationText.parse("--wait", text);
        } catch (IllegalArgumentException e) {
            throw new Cli.Refused(ExitCodes.USAGE, e.getMessage());
        }
    }
}
