package io.integration.worker.messaging;

import io.integration.wire.AvroWireCodec;
import io.integration.wire.InMemorySchemaRegistry;
import io.integration.worker.adapter.Adapters;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.CredentialRepository;
import io.integration.registry.DefinitionRepository;
import io.integration.registry.InstanceRepository;
import io.integration.registry.IntegrationDefinition;
import io.integration.registry.IntegrationInstance;
import io.integration.registry.InstanceUsage;
import io.integration.registry.VersionRange;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.ExecutionSettings;
import io.integration.worker.execution.RequestExecutor;
import io.integration.worker.execution.ResultLog;
import io.integration.worker.resilience.BreakerListener;
import io.integration.worker.resilience.CallGuard;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fakes at the edges of the loop's unit tests: a real {@link RequestExecutor} over in-memory ports (no instance is
 * registered, so a new request ends as INSTANCE_NOT_FOUND without a call; a pre-recorded result is answered as
 * recorded), and a {@link MockProducer} that fails the sends a test scripts.
 */
final class LoopKit {

    static final Topics TOPICS = Topics.prefixed("t");
    static final Clock CLOCK = Clock.systemUTC();

    /** The result log, in memory; {@link #findFailure} makes lookups throw. */
    static final class MemoryResultLog implements ResultLog {
        final Map<String, ExecutionResult> recorded = new ConcurrentHashMap<>();
        volatile Supplier<RuntimeException> findFailure;

        @Override
        public Optional<ExecutionResult> find(String requestId) {
            if (findFailure != null) {
                throw findFailure.get();
            }
            return Optional.ofNullable(recorded.get(requestId));
        }

        @Override
        public ExecutionResult recordIfAbsent(ExecutionResult result) {
            return recorded.computeIfAbsent(result.requestId(), id -> result);
        }

        /** Request ids whose substitute is recorded: the first one wins, as in MongoDB. */
        final java.util.Set<String> substituted = ConcurrentHashMap.newKeySet();

        @Override
        public Optional<ExecutionResult> substitute(ExecutionResult published, io.integration.worker.execution.Outcome.Failure failure) {
            return Optional.ofNullable(recorded.computeIfPresent(published.requestId(),
                    (id, r) -> r.equals(published) && substituted.add(id) ? r.withOutcome(failure) : r));
        }

        @Override
        public Reopening reopen(ExecutionResult result, io.integration.worker.execution.ExecutionRequest.Replay replay) {
            substituted.remove(result.requestId());
            return recorded.remove(result.requestId(), result) ? Reopening.REOPENED : Reopening.CHANGED;
        }
    }

    /** Completes sends at once, except those matching a scripted failure, which fail (without reaching the history). */
    static final class ScriptedProducer extends MockProducer<byte[], byte[]> {
        private record Failure(Predicate<ProducerRecord<byte[], byte[]>> when, Supplier<RuntimeException> error, AtomicInteger times) {
        }

        private final List<Failure> failures = new ArrayList<>();
        final List<ProducerRecord<byte[], byte[]>> refused = new java.util.concurrent.CopyOnWriteArrayList<>();

        ScriptedProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        /** Fails the next {@code times} sends matching {@code when} with {@code error}. */
        synchronized ScriptedProducer fail(Predicate<ProducerRecord<byte[], byte[]>> when, Supplier<RuntimeException> error, int times) {
            failures.add(new Failure(when, error, new AtomicInteger(times)));
            return this;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            for (Failure f : failures) {
                if (f.when().test(record) && f.times().getAndDecrement() > 0) {
                    refused.add(record);
                    RuntimeException error = f.error().get();
                    callback.onCompletion(null, error);
                    return java.util.concurrent.CompletableFuture.failedFuture(error);
                }
            }
            return super.send(record, callback);
        }

        /** Values sent successfully to {@code topic}, as text. */
        synchronized List<String> sentTo(String topic) {
            return history().stream().filter(r -> r.topic().equals(topic)).map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        }
    }

    final MemoryResultLog results = new MemoryResultLog();
    final AtomicInteger instanceLookups = new AtomicInteger();
    final InstanceRepository instances = new InstanceRepository() {
        @Override
        public Optional<IntegrationInstance> find(String id) {
            instanceLookups.incrementAndGet();
            return Optional.empty();
        }

        @Override
        public List<IntegrationInstance> all() {
            return List.of();
        }

        @Override
        public void save(IntegrationInstance instance) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void touch(Map<String, java.time.Instant> lastUsed) {
        }

        @Override
        public Optional<java.time.Instant> lastUsed(String id) {
            return Optional.empty();
        }
    };
    /** Flushes once a day: never within a test (the fake store above would ignore the writes anyway). */
    final InstanceUsage usage = new InstanceUsage(instances, Duration.ofDays(1), CLOCK);
    /** The replays "started" in a test: only records marked with one of them run again. */
    final Map<String, io.integration.worker.execution.ExecutionRequest.Replay> startedReplays = new ConcurrentHashMap<>();
    final RequestExecutor executor = new RequestExecutor(instances, new DefinitionRepository() {
        @Override
        public Optional<IntegrationDefinition> find(String name, String version) {
            return Optional.empty();
        }

        @Override
        public Optional<IntegrationDefinition> findLatest(String name, VersionRange range) {
            return Optional.empty();
        }

        @Override
        public List<IntegrationDefinition> versions(String name) {
            return List.of();
        }

        @Override
        public List<IntegrationDefinition> all() {
            return List.of();
        }

        @Override
        public void save(IntegrationDefinition definition) {
            throw new UnsupportedOperationException();
        }
    }, new CredentialRepository() {
        @Override
        public Optional<Credential> find(String id) {
            return Optional.empty();
        }

        @Override
        public void save(Credential credential) {
            throw new UnsupportedOperationException();
        }
    }, Adapters.of(Map.of()), results, (id, data) -> {
        throw new AssertionError("no claim check in these tests");
    }, ExecutionSettings.DEFAULTS, CallGuard.standard(CLOCK, BreakerListener.NONE, Duration.ofSeconds(30), Duration.ofMinutes(15)), usage, null,
            id -> Optional.ofNullable(startedReplays.get(id)), io.integration.worker.execution.Degradation.none(ExecutionSettings.DEFAULTS, CLOCK),
            io.integration.worker.execution.ExecutionObserver.NONE, CLOCK);
    final OutputEncoder encoder = new OutputEncoder(AvroWireCodec.of(io.integration.avro.IntegrationResult.class, InMemorySchemaRegistry.create()),
            AvroWireCodec.of(io.integration.avro.IntegrationEvent.class, InMemorySchemaRegistry.create()), WireFormat.MIRROR, WireFormat.JSON);
    final OutputPlanner planner = new OutputPlanner(executor, encoder, TOPICS, ReplyTopics.defaults(TOPICS), 1024 * 1024);
    final RequestDecoder decoder = new RequestDecoder(AvroWireCodec.of(io.integration.avro.IntegrationRequest.class,
            InMemorySchemaRegistry.create()), new RequestLimits(256, 64, 16 * 1024, 256 * 1024));

    /** A JSON request record at {@code offset} of partition 0 of the requests topic. */
    static ConsumerRecord<byte[], byte[]> request(long offset, String json) {
        return new ConsumerRecord<>(TOPICS.requests(), 0, offset, "acme".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    static String json(String requestId, String extra) {
        return "{\"requestId\":\"" + requestId + "\",\"integrationInstanceId\":\"acme\",\"methodName\":\"get\"" + extra + "}";
    }

    /** A job for {@code record}, decoded as the poll thread would. */
    Job job(ConsumerRecord<byte[], byte[]> record) {
        PartitionTracker tracker = new PartitionTracker();
        tracker.add(record.offset());
        try {
            return Job.of(record, tracker, decoder.decode(record.value()), null);
        } catch (PoisonRecordException e) {
            return Job.poison(record, tracker, e);
        }
    }
}
