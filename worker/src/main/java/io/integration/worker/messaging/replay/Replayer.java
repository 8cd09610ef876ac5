package io.integration.worker.messaging.replay;

import io.integration.worker.execution.ResultLog;
import io.integration.worker.messaging.RequestSummaries;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Starts replays and answers for them: selective replay of the requests topic and re-drive of the dead-letter topic, the
 * same path. Each replay runs on its own thread with its own consumer (assigned, no group: it commits nothing and moves
 * no worker) and producer. Thread-safe.
 */
public final class Replayer implements AutoCloseable {

    /** Replays one process runs at once. */
    public static final int MAX_RUNNING = 4;
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);

    /** A replay that cannot start now: too many run in this process. */
    public static final class BusyException extends RuntimeException {
        public BusyException(String message) {
            super(message);
        }
    }

    /** A replay that cannot start now: the Kafka cluster did not answer for the range. */
    public static final class ClusterUnavailableException extends RuntimeException {
        public ClusterUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Map<String, Object> kafka;
    private final String requestsTopic;
    private final String deadLetterTopic;
    private final RequestSummaries summaries;
    private final ResultLog results;
    private final ReplayStore store;
    private final Clock clock;
    private final Map<String, ReplayRun> running = new ConcurrentHashMap<>();

    /**
     * @param kafka client settings shared by its consumers and producers ({@code bootstrap.servers} at least)
     */
    public Replayer(Map<String, Object> kafka, String requestsTopic, String deadLetterTopic, RequestSummaries summaries,
                    ResultLog results, ReplayStore store, Clock clock) {
        this.kafka = Map.copyOf(kafka);
        this.requestsTopic = requestsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.summaries = summaries;
        this.results = results;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Resolves {@code spec}'s range (a bad partition or a missing topic throws {@link ReplaySpec.InvalidSpecException}, a
     * cluster that does not answer {@link ClusterUnavailableException}), records the replay and starts it; returns its
     * first status.
     */
    public synchronized ReplayStatus start(ReplaySpec spec, String actor) {
        if (running.size() >= MAX_RUNNING) {
            throw new BusyException(running.size() + " replays are running in this process (at most " + MAX_RUNNING
                    + "); wait for one to end or cancel one");
        }
        String id = "rp-" + UUID.randomUUID();
        String topic = spec.source() == ReplaySpec.Source.DLT ? deadLetterTopic : requestsTopic;
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings(id));
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            ReplayPlan plan = ReplayPlan.of(consumer, topic, spec, KAFKA_TIMEOUT);
            producer = spec.dryRun() ? null : new KafkaProducer<>(producerSettings(id));
            ReplayRun run = new ReplayRun(id, actor, spec, topic, requestsTopic, plan, consumer, producer, summaries, results, store,
                    clock, () -> running.remove(id));
            store.insert(run.status());
            running.put(id, run);
            Thread.ofPlatform().name("replay-" + id).daemon().start(run);
            return run.status();
        } catch (RuntimeException e) {
            consumer.close();
            if (producer != null) {
                producer.close();
            }
            if (e instanceof org.apache.kafka.common.KafkaException) {
                throw new ClusterUnavailableException("the Kafka cluster could not be asked for the range of " + topic + ": "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** The replay's status, live when it runs in this process. */
    public Optional<ReplayStatus> status(String id) {
        ReplayRun run = running.get(id);
        return run != null ? Optional.of(run.status()) : store.find(id);
    }

    /** The newest replays first, live where they run in this process. */
    public List<ReplayStatus> list(int offset, int limit) {
        List<ReplayStatus> out = new ArrayList<>();
        for (ReplayStatus s : store.list(offset, limit)) {
            ReplayRun run = running.get(s.id());
            out.add(run != null ? run.status() : s);
        }
        return out;
    }

    /** How many replays were ever started (against this database). */
    public long count() {
        return store.count();
    }

    /**
     * Stops the replay after the record it is on (records already produced stay produced); a replay running in another
     * process stops at its next heartbeat. Returns its status, empty when there is no such replay.
     */
    public Optional<ReplayStatus> cancel(String id) {
        ReplayRun run = running.get(id);
        if (run != null) {
            run.cancel();
        } else {
            store.requestCancel(id);
        }
        return status(id);
    }

    private Map<String, Object> consumerSettings(String id) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "integration-" + id);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Requests of an aborted transaction were never sent: they are not replayed either.
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        // Records deleted by retention under the replay are counted as lost, never skipped silently by a reset.
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // A missing topic is reported, never created by asking for it.
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return settings;
    }

    private Map<String, Object> producerSettings(String id) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "integration-" + id);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // A cluster that takes no records for this long fails the replay (rather than blocking it past its heartbeat).
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        // ... and a record it cannot deliver within this fails it, so a final flush ends (delivery.timeout >= linger + request.timeout)
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return settings;
    }

    /** Stops the replays running here (they end INTERRUPTED) and waits (bounded) for them to stop. */
    @Override
    public void close() {
        running.values().forEach(ReplayRun::interrupt);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
