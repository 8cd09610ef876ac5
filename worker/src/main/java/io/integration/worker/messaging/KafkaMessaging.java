package io.integration.worker.messaging;

import io.integration.worker.metrics.WorkerMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

import io.integration.avro.IntegrationEvent;
import io.integration.avro.IntegrationRequest;
import io.integration.avro.IntegrationResult;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import io.integration.worker.execution.RequestExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Builds the worker's Kafka side from configuration: the user's {@code kafka.*} properties passed through
 * verbatim, with the few settings the processing contract depends on enforced.
 */
public final class KafkaMessaging {

    /**
     * Settings of the messaging side.
     *
     * @param replyTopics allowed {@code replyTo} patterns ({@code worker.reply.topics}); empty for the default
     * @param maxPublishAttempts tries for a record whose outputs fail in a way that may be its own fault
     * @param maxRequestSize the producer's {@code max.request.size}: a larger result is answered RESULT_TOO_LARGE before any send
     */
    public record Settings(Map<String, String> kafka, Map<String, String> consumer, Map<String, String> producer,
                           Topics topics, WireFormat resultFormat, WireFormat eventFormat, int maxInFlight,
                           int maxInFlightPerPartition, Duration revokeTimeout, Duration drainTimeout, List<String> replyTopics,
                           RequestLimits requestLimits, int maxPublishAttempts, long maxRequestSize, QueueSettings queue) {
        public Settings {
            kafka = Map.copyOf(kafka);
            consumer = Map.copyOf(consumer);
            producer = Map.copyOf(producer);
            replyTopics = List.copyOf(replyTopics);
            if (!kafka.containsKey("bootstrap.servers")) {
                throw new IllegalArgumentException("kafka.bootstrap.servers: missing (expected: host:port[,host:port])");
            }
            if (maxPublishAttempts < 1) {
                throw new IllegalArgumentException("worker.max.publish.attempts: " + maxPublishAttempts + " (expected: >= 1)");
            }
        }
    }

    /**
     * Queue mode (a share group, KIP-932).
     *
     * @param readRequests whether the consumer-group loop reads the requests topic (false: it reads only the retry topic)
     * @param readQueue whether the share-group loop runs on {@code topic}
     * @param share properties for the share consumer only; with {@code kafka.*} minus the consumer-group-only keys
     */
    public record QueueSettings(boolean readRequests, boolean readQueue, String topic, String group, Duration lockDuration,
                                int deliveryLimit, boolean configureGroup, String deadLetterQueue, Map<String, String> share) {
        public QueueSettings {
            share = Map.copyOf(share);
        }

        /** The consumer-group loop only, on the requests and retry topics. */
        public static QueueSettings groupOnly() {
            return new QueueSettings(true, false, "integration.requests.queue", "integration-worker-queue", Duration.ofSeconds(30), 5,
                    true, "dlq.integration.requests.queue", Map.of());
        }
    }

    /** Settings of the consumer-group clients that a share consumer refuses (it is not in a consumer group). */
    private static final List<String> GROUP_ONLY_KEYS = List.of("auto.offset.reset", "enable.auto.commit", "group.instance.id",
            "isolation.level", "partition.assignment.strategy", "interceptor.classes", "session.timeout.ms", "heartbeat.interval.ms",
            "group.protocol", "group.remote.assignor");

    private KafkaMessaging() {
    }

    /** A worker ready to {@link RequestWorker#run()}. */
    public static RequestWorker worker(Settings settings, SchemaRegistryClient registry, RequestExecutor executor, Clock clock) {
        return worker(settings, registry, executor, new WorkerMetrics(new io.micrometer.core.instrument.composite.CompositeMeterRegistry()), clock);
    }

    /** A worker whose Kafka clients and outputs are measured in {@code metrics}. */
    public static RequestWorker worker(Settings settings, SchemaRegistryClient registry, RequestExecutor executor, WorkerMetrics metrics,
                                       Clock clock) {
        Map<String, Object> consumerProps = new HashMap<>(settings.kafka());
        consumerProps.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "integration-worker");
        consumerProps.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "integration-worker-consumer");
        consumerProps.putAll(settings.consumer());
        // The loop commits itself, after results are acknowledged; auto-commit would commit unfinished work.
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        Map<String, Object> producerProps = producerProps(settings, "integration-worker-producer");
        RequestDecoder decoder = decoder(settings, registry);
        OutputEncoder encoder = encoder(settings, registry);
        Topics topics = settings.topics();
        RequestWorker.Limits limits = new RequestWorker.Limits(settings.maxInFlight(), settings.maxInFlightPerPartition(),
                settings.revokeTimeout(), settings.drainTimeout(), ownershipLease(consumerProps));
        OwnershipFence fence = new OwnershipFence(limits.ownershipLease(), executor.calls());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps);
        // The clients' own metrics (lag, fetch and send rates, request latency), tagged by client id.
        metrics.bind(new KafkaClientMetrics(consumer));
        metrics.bind(new KafkaClientMetrics(producer));
        JobRunner runner = new JobRunner(producer, planner(settings, executor, encoder), fence, topics, settings.maxPublishAttempts(),
                metrics::published, clock);
        List<String> subscription = settings.queue().readRequests() ? List.of(topics.requests(), topics.retry()) : List.of(topics.retry());
        return new RequestWorker(consumer, producer, decoder, encoder, runner, topics, subscription, limits, fence, clock);
    }

    /**
     * The queue-mode loop: a share consumer on the queue topic, explicit acknowledgement, at most {@code maxInFlight}
     * records acquired per poll. With {@code configureGroup}, the share group's configuration is set first (earliest
     * start, lock duration, delivery limit): a worker that cannot set it does not start, since a new share group would
     * otherwise start at the end of the topic and skip the requests already in it.
     */
    public static QueueWorker queue(Settings settings, SchemaRegistryClient registry, RequestExecutor executor, WorkerMetrics metrics,
                                    Clock clock) {
        QueueSettings queue = settings.queue();
        Map<String, Object> shareProps = new HashMap<>(settings.kafka());
        GROUP_ONLY_KEYS.forEach(shareProps::remove);
        shareProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "integration-worker-queue");
        shareProps.putAll(queue.share());
        if (queue.configureGroup()) {
            Map<String, String> admin = new HashMap<>(settings.kafka());
            admin.putAll(queue.share()); // security settings given for the share consumer only reach the admin client too
            ShareGroups.configure(admin, queue.group(), queue.lockDuration(), queue.deliveryLimit(), queue.deadLetterQueue());
        }
        // Polls may be half a lock apart while every record held runs: the client must not leave the group meanwhile.
        shareProps.merge(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(Math.max(300_000, queue.lockDuration().toMillis())),
                (given, needed) -> Long.parseLong(given.toString()) >= Long.parseLong(needed.toString()) ? given : needed);
        shareProps.put(ConsumerConfig.GROUP_ID_CONFIG, queue.group());
        // Each record is acknowledged on its own, after its outputs are in; acquired only as many as the worker may run.
        shareProps.put("share.acknowledgement.mode", "explicit");
        shareProps.put("share.acquire.mode", "record_limit");
        shareProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.maxInFlight()));
        shareProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        shareProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Topics topics = settings.topics();
        OutputEncoder encoder = encoder(settings, registry);
        QueueWorker.Limits limits = new QueueWorker.Limits(queue.topic(), settings.maxInFlight(), settings.drainTimeout(), queue.lockDuration());
        OwnershipFence fence = new OwnershipFence(limits.lease(), executor.calls());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(settings, "integration-worker-queue-producer"));
        metrics.bind(new KafkaClientMetrics(producer));
        JobRunner runner = new JobRunner(producer, planner(settings, executor, encoder), fence, topics, settings.maxPublishAttempts(),
                metrics::published, clock);
        try {
            return new QueueWorker(() -> new KafkaShareConsumer<>(shareProps), producer, decoder(settings, registry), runner, limits, fence,
                    clock);
        } catch (RuntimeException e) {
            runner.close();
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    private static Map<String, Object> producerProps(Settings settings, String clientId) {
        Map<String, Object> producerProps = new HashMap<>(settings.kafka());
        producerProps.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        producerProps.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // A send waits at most this long for a topic's metadata or buffer space (the client's default is a minute): a
        // reply topic that does not exist is known within a few tries, and an outage is retried by the loop anyway.
        producerProps.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        producerProps.putAll(settings.producer());
        // A result counts as published only when all in-sync replicas have it; retries must not duplicate or reorder.
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return producerProps;
    }

    /** The poll thread decodes: a schema it does not know yet is fetched in the background, never waited for long. */
    private static RequestDecoder decoder(Settings settings, SchemaRegistryClient registry) {
        return new RequestDecoder(AvroWireCodec.of(IntegrationRequest.class,
                new BoundedSchemaLookup(registry, Duration.ofMillis(100), Duration.ofSeconds(1))), settings.requestLimits());
    }

    private static OutputEncoder encoder(Settings settings, SchemaRegistryClient registry) {
        return new OutputEncoder(AvroWireCodec.of(IntegrationResult.class, registry),
                AvroWireCodec.of(IntegrationEvent.class, registry), settings.resultFormat(), settings.eventFormat());
    }

    private static OutputPlanner planner(Settings settings, RequestExecutor executor, OutputEncoder encoder) {
        Topics topics = settings.topics();
        ReplyTopics replyTopics = settings.replyTopics().isEmpty() ? ReplyTopics.defaults(topics) : new ReplyTopics(topics, settings.replyTopics());
        return new OutputPlanner(executor, encoder, topics, replyTopics, settings.maxRequestSize());
    }

    /** A third of the consumer's session timeout: a stall that long may already have cost the partitions. */
    static Duration ownershipLease(Map<String, Object> consumerProps) {
        Object session = consumerProps.getOrDefault(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000");
        return Duration.ofMillis(Long.parseLong(session.toString()) / 3);
    }
}
