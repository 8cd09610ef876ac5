package io.integration.worker.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The worker's Kafka-side settings as read from config, in plain values: the composition root hands them
 * to the messaging implementation, so that config knows nothing of Kafka and messaging nothing of config.
 *
 * @param kafka properties passed to both Kafka clients verbatim ({@code kafka.*} without the prefix)
 * @param consumer properties for the consumer only ({@code kafka.consumer.*})
 * @param producer properties for the producer only ({@code kafka.producer.*})
 * @param drainTimeout how long a stopping worker may take in all: draining, the final commit and closing
 *     ({@code worker.drain.timeout}, formerly {@code worker.shutdown.timeout})
 * @param replyTopics allowed {@code replyTo} patterns ({@code worker.reply.topics}); empty for the default
 * @param requestLimits bounds on what a request may carry ({@code request.max.*})
 * @param maxPublishAttempts tries for a record whose outputs fail in a way that may be its own fault
 *     ({@code worker.max.publish.attempts})
 * @param queue how requests are read: a consumer group, a share group (queue mode), or both ({@code worker.input.mode} …)
 */
public record MessagingSettings(Map<String, String> kafka, Map<String, String> consumer, Map<String, String> producer,
                                Topics topics, Format resultFormat, Format eventFormat, int maxInFlight,
                                int maxInFlightPerPartition, Duration revokeTimeout, Duration drainTimeout, List<String> replyTopics,
                                RequestLimits requestLimits, int maxPublishAttempts, Queue queue) {

    public MessagingSettings {
        kafka = Map.copyOf(kafka);
        consumer = Map.copyOf(consumer);
        producer = Map.copyOf(producer);
        if (!kafka.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("kafka.bootstrap.servers: missing (expected: host:port[,host:port])");
        }
        requireNonNull(topics, "topics");
        requireNonNull(resultFormat, "results.format");
        requireNonNull(eventFormat, "events.format");
        requireNonNull(revokeTimeout, "worker.revoke.timeout");
        requireNonNull(drainTimeout, "worker.drain.timeout");
        replyTopics = List.copyOf(replyTopics);
        requireNonNull(requestLimits, "requestLimits");
        requireNonNull(queue, "queue");
        if (maxPublishAttempts < 1) {
            throw new IllegalArgumentException("worker.max.publish.attempts: " + maxPublishAttempts + " (expected: >= 1)");
        }
    }

    /**
     * The producer's {@code max.request.size} these settings give ({@code kafka.producer.*} over {@code kafka.*}, else the
     * client's 1 MiB default): the largest record the worker can publish.
     */
    public long maxRequestSize() {
        String value = producer.getOrDefault("max.request.size", kafka.get("max.request.size"));
        try {
            return value == null ? 1024 * 1024 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kafka.max.request.size: '" + value + "' (expected: an integer, bytes)");
        }
    }

    /**
     * Bounds on a request's fields ({@code request.max.id.chars}, {@code request.max.attributes},
     * {@code request.max.attributes.bytes}, {@code request.max.params.bytes}).
     */
    public record RequestLimits(int maxIdChars, int maxAttributes, int maxAttributesBytes, int maxParamsBytes) {
        public static final RequestLimits DEFAULTS = new RequestLimits(256, 64, 16 * 1024, 256 * 1024);
    }

    /** The topics the worker reads and writes ({@code topic.*}; defaults as in DESIGN.md and the README). */
    public record Topics(String requests, String results, String events, String deadLetter, String retry) {

        public static final Topics DEFAULTS = new Topics("integration.requests", "integration.results", "integration.events",
                "integration.requests-dlt", "integration.requests.retry");

        public Topics {
            requireNonNull(requests, "topic.requests");
            requireNonNull(results, "topic.results");
            requireNonNull(events, "topic.events");
            requireNonNull(deadLetter, "topic.dlt");
            requireNonNull(retry, "topic.retry");
        }
    }

    /** How a worker reads requests ({@code worker.input.mode}). */
    public enum InputMode {
        /** A consumer group on {@code topic.requests} (and {@code topic.retry}): order per key, parallel up to the partitions' keys. */
        GROUP,
        /** A share group on {@code topic.queue} (KIP-932): no order, any number of workers per partition; deferrals via {@code topic.retry}. */
        SHARE,
        /** Both, side by side in one worker. */
        BOTH
    }

    /**
     * Queue mode.
     *
     * @param mode which loops run ({@code worker.input.mode}, default group)
     * @param topic the queue topic ({@code topic.queue}, default {@code integration.requests.queue})
     * @param group the share group's id ({@code worker.share.group}, default {@code integration-worker-queue}); a group id names
     *     either a consumer group or a share group, never both
     * @param lockDuration the group's acquisition lock ({@code worker.share.lock.duration}, default 30 s; the broker allows 15–60 s
     *     unless its {@code group.share.min|max.record.lock.duration.ms} say otherwise)
     * @param deliveryLimit deliveries of a record before the broker archives it ({@code worker.share.delivery.limit}, default 5)
     * @param configureGroup whether the worker sets the group's configuration at start ({@code worker.share.configure}, default true)
     * @param deadLetterQueue the topic the broker writes a record to when it archives it after the delivery limit
     *     ({@code worker.share.dlq.topic}, default {@code dlq.integration.requests.queue}; blank for none)
     * @param share properties for the share consumer only ({@code kafka.share.*})
     */
    public record Queue(InputMode mode, String topic, String group, Duration lockDuration, int deliveryLimit, boolean configureGroup,
                        String deadLetterQueue, Map<String, String> share) {

        public static final Queue GROUP_ONLY = new Queue(InputMode.GROUP, "integration.requests.queue", "integration-worker-queue",
                Duration.ofSeconds(30), 5, true, "dlq.integration.requests.queue", Map.of());

        public Queue {
            requireNonNull(mode, "worker.input.mode");
            requireNonNull(topic, "topic.queue");
            requireNonNull(group, "worker.share.group");
            requireNonNull(lockDuration, "worker.share.lock.duration");
            share = Map.copyOf(share);
            requireNonNull(deadLetterQueue, "worker.share.dlq.topic");
            if (lockDuration.toMillis() < 1000 || lockDuration.toMillis() > 600_000) {
                throw new IllegalArgumentException("worker.share.lock.duration: " + lockDuration
                        + " (expected: 1s..10m; the broker's group.share.min|max.record.lock.duration.ms apply too, 15s..60s by default)");
            }
            if (deliveryLimit < 2 || deliveryLimit > 10) {
                throw new IllegalArgumentException("worker.share.delivery.limit: " + deliveryLimit + " (expected: 2..10, the broker's bounds)");
            }
        }
    }

    /** How records are encoded on a topic ({@code results.format}, {@code events.format}). */
    public enum Format {
        /** Avro in the Confluent Schema Registry wire format. */
        AVRO,
        /** JSON text (UTF-8). */
        JSON,
        /** Results only: the encoding the request arrived in. */
        MIRROR
    }
}
