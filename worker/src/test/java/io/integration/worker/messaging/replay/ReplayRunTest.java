package io.integration.worker.messaging.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.integration.embedded.EmbeddedMongo;
import io.integration.registry.store.StoreUnavailableException;
import io.integration.wire.InMemorySchemaRegistry;
import io.integration.worker.execution.ErrorCode;
import io.integration.worker.execution.ExecutionRequest;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.ResultLog;
import io.integration.worker.messaging.ReplayHeaders;
import io.integration.worker.messaging.RequestSummaries;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One replay run over Kafka's {@code MockConsumer}/{@code MockProducer} with its store on the real MongoDB driver: what it
 * reads, skips and produces, and how it ends when its inputs fail.
 */
class ReplayRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "requests";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private static EmbeddedMongo mongo;
    private static MongoClient client;

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.NONE.name());
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final FailingResultLog results = new FailingResultLog();
    private ReplayStore store;

    @BeforeAll
    static void start() {
        mongo = EmbeddedMongo.start(0);
        client = MongoClients.create(mongo.connectionString());
    }

    @AfterAll
    static void stop() {
        client.close();
        mongo.close();
    }

    @Test
    void aTimeRangeKeepsTheRecordsTimestampedInItWhateverTheirOrder() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = List.of(record(0, "a", T0.minusSeconds(5), null), record(1, "b", T0.plusSeconds(5), null),
                record(2, "c", T0.plusSeconds(70), null), record(3, "d", T0.plusSeconds(10), null), record(4, "e", T0.minusSeconds(1), null));
        records.forEach(r -> results.recorded.put(requestId(r), failed(requestId(r))));

        ReplayStatus status = run(spec("\"from\":\"" + T0 + "\",\"to\":\"" + T0.plusSeconds(60) + "\""), records, 0, 5);

        assertThat(status.state()).isEqualTo(ReplayStatus.State.DONE);
        assertThat(replayedIds()).containsExactly("b", "d");
        assertThat(status.counts().notMatching()).isEqualTo(3);
    }

    @Test
    void aRequestWhoseDeadlineHasPassedIsSkippedAsExpired() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = List.of(record(0, "late", T0, T0.minusSeconds(1)), record(1, "due", T0,
                Instant.now().plusSeconds(3600)));
        records.forEach(r -> results.recorded.put(requestId(r), failed(requestId(r))));

        ReplayStatus status = run(spec(""), records, 0, 2);

        assertThat(replayedIds()).containsExactly("due");
        assertThat(status.counts().expired()).isEqualTo(1);
        assertThat(producer.history().getFirst().headers().lastHeader(ReplayHeaders.ID)).isNotNull();
    }

    @Test
    void recordsDeletedByRetentionBeforeTheyAreReadAreCountedAsLost() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int n = 5; n < 8; n++) {
            records.add(record(n, "r" + n, T0, null));
        }
        records.forEach(r -> results.recorded.put(requestId(r), failed(requestId(r))));
        consumer.setPollException(new OffsetOutOfRangeException(Map.of(P0, 0L)));

        ReplayStatus status = run(spec(""), records, 0, 8, 5);

        assertThat(status.state()).isEqualTo(ReplayStatus.State.DONE);
        assertThat(status.counts().lost()).isEqualTo(5);
        assertThat(replayedIds()).containsExactly("r5", "r6", "r7");
    }

    @Test
    void aPartitionTruncatedBelowThePositionEndsTheReplayCountingWhatIsGone() throws Exception {
        consumer.setPollException(new OffsetOutOfRangeException(Map.of(P0, 0L)));

        ReplayStatus status = run(spec(""), List.of(), 0, 5, 0);

        assertThat(status.state()).isEqualTo(ReplayStatus.State.DONE);
        assertThat(status.counts().lost()).isEqualTo(5);
    }

    @Test
    void aResultLogThatIsBrieflyUnreachableIsWaitedFor() throws Exception {
        ConsumerRecord<byte[], byte[]> r = record(0, "x", T0, null);
        results.recorded.put("x", failed("x"));
        results.failures.set(2);

        ReplayStatus status = run(spec(""), List.of(r), 0, 1);

        assertThat(status.state()).isEqualTo(ReplayStatus.State.DONE);
        assertThat(replayedIds()).containsExactly("x");
    }

    @Test
    void aRecordTheBrokerRefusesFailsTheReplayNamingWhy() throws Exception {
        MockProducer<byte[], byte[]> refusing = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized void flush() {
                // The broker refuses what is pending, as a flush of a real producer reports it
                while (errorNext(new org.apache.kafka.common.errors.RecordTooLargeException("too large"))) {
                    Thread.onSpinWait();
                }
            }
        };
        ConsumerRecord<byte[], byte[]> r = record(0, "x", T0, null);
        results.recorded.put("x", failed("x"));
        ReplayRun run = newRun(spec(""), List.of(r), 0, 1, 0, refusing);
        run.run();

        assertThat(run.status().state()).isEqualTo(ReplayStatus.State.FAILED);
        assertThat(run.status().error()).contains("producing to requests failed").contains("too large");
        assertThat(store.find(run.status().id())).get().extracting(ReplayStatus::state).isEqualTo(ReplayStatus.State.FAILED);
    }

    @Test
    void aCancelledReplayEndsCancelledAndOneWhoseProcessStopsEndsInterrupted() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int n = 0; n < 50; n++) {
            records.add(record(n, "r" + n, T0, null));
            results.recorded.put("r" + n, failed("r" + n));
        }
        for (boolean processStops : List.of(false, true)) {
            MockConsumer<byte[], byte[]> each = new MockConsumer<>(AutoOffsetResetStrategy.NONE.name());
            MockProducer<byte[], byte[]> sink = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            ReplayRun run = newRun(spec("\"rate\":1"), records, 0, 50, 0, sink, each);
            Thread thread = Thread.ofVirtual().start(run);
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.history().size() == 1);
            if (processStops) {
                run.interrupt();
            } else {
                run.cancel();
            }
            thread.join(Duration.ofSeconds(10));

            assertThat(run.status().state()).isEqualTo(processStops ? ReplayStatus.State.INTERRUPTED : ReplayStatus.State.CANCELLED);
            assertThat(sink.history()).hasSizeLessThan(3);
            assertThat(run.status().counts().scanned()).as("only what was decided counts as read").isEqualTo(sink.history().size());
        }
    }

    @Test
    void aReplayBlockedInASendKeepsWritingItsProgress() throws Exception {
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        MockProducer<byte[], byte[]> stuck = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
                blocked.countDown();
                try {
                    release.await(); // a full buffer: the real producer blocks up to max.block.ms
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        results.recorded.put("x", failed("x"));
        ReplayRun run = newRun(spec(""), List.of(record(0, "x", T0, null)), 0, 1, 0, stuck);
        Thread thread = Thread.ofVirtual().start(run);
        blocked.await();
        java.time.Instant blockedAt = java.time.Instant.now();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.find(run.status().id()).orElseThrow().updatedAt())
                .isAfter(blockedAt.plusMillis(500)));
        assertThat(store.find(run.status().id()).orElseThrow().state()).isEqualTo(ReplayStatus.State.RUNNING);
        release.countDown();
        thread.join(Duration.ofSeconds(10));
        assertThat(store.find(run.status().id()).orElseThrow().state()).isEqualTo(ReplayStatus.State.DONE);
    }

    private ReplaySpec spec(String fields) throws Exception {
        String rate = fields.contains("\"rate\"") ? "" : ",\"rate\":100000";
        return ReplaySpec.fromJson(JSON.readTree("{\"reason\":\"test\"" + rate + (fields.isEmpty() ? "" : "," + fields) + "}"));
    }

    private ReplayStatus run(ReplaySpec spec, List<ConsumerRecord<byte[], byte[]>> records, long start, long stop) {
        return run(spec, records, start, stop, start);
    }

    private ReplayStatus run(ReplaySpec spec, List<ConsumerRecord<byte[], byte[]>> records, long start, long stop, long beginning) {
        ReplayRun run = newRun(spec, records, start, stop, beginning, producer);
        run.run();
        return run.status();
    }

    private ReplayRun newRun(ReplaySpec spec, List<ConsumerRecord<byte[], byte[]>> records, long start, long stop, long beginning,
                             MockProducer<byte[], byte[]> sink) {
        return newRun(spec, records, start, stop, beginning, sink, consumer);
    }

    private ReplayRun newRun(ReplaySpec spec, List<ConsumerRecord<byte[], byte[]>> records, long start, long stop, long beginning,
                             MockProducer<byte[], byte[]> sink, MockConsumer<byte[], byte[]> source) {
        store = new ReplayStore(client.getDatabase("replay-run"), Clock.systemUTC());
        source.updateBeginningOffsets(Map.of(P0, beginning));
        source.updateEndOffsets(Map.of(P0, stop));
        source.schedulePollTask(() -> records.forEach(source::addRecord));
        String id = "rp-test-" + java.util.UUID.randomUUID();
        ReplayRun run = new ReplayRun(id, "tester", spec, TOPIC, TOPIC, new ReplayPlan(Map.of(P0, start), Map.of(P0, stop)), source, sink,
                new RequestSummaries(InMemorySchemaRegistry.create()), results, store, Clock.systemUTC(), () -> { });
        store.insert(run.status());
        return run;
    }

    private List<String> replayedIds() {
        return producer.history().stream().map(ProducerRecord::key).map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String requestId, Instant timestamp, Instant deadline) {
        String json = "{\"requestId\":\"" + requestId + "\",\"integrationInstanceId\":\"crm\",\"methodName\":\"get\""
                + (deadline == null ? "" : ",\"deadline\":\"" + deadline + "\"") + "}";
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(TOPIC, 0, offset, timestamp.toEpochMilli(), TimestampType.CREATE_TIME, requestId.length(), value.length,
                requestId.getBytes(StandardCharsets.UTF_8), value, new org.apache.kafka.common.header.internals.RecordHeaders(), Optional.empty());
    }

    private static String requestId(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private static ExecutionResult failed(String requestId) {
        return new ExecutionResult(requestId, null, "crm", "get", null, null, Outcome.Failure.of(ErrorCode.UPSTREAM_ERROR, "down"), 1,
                T0, T0, List.of());
    }

    /** Results by request id; its lookups fail while {@code failures} is above zero. */
    private static final class FailingResultLog implements ResultLog {
        final Map<String, ExecutionResult> recorded = new ConcurrentHashMap<>();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public Optional<ExecutionResult> find(String requestId) {
            if (failures.getAndDecrement() > 0) {
                throw new StoreUnavailableException("MongoDB find: down (test)", null);
            }
            return Optional.ofNullable(recorded.get(requestId));
        }

        @Override
        public Map<String, ExecutionResult> findAll(java.util.Collection<String> requestIds) {
            Map<String, ExecutionResult> out = new HashMap<>();
            for (String id : requestIds) {
                find(id).ifPresent(r -> out.put(id, r));
            }
            return out;
        }

        @Override
        public ExecutionResult recordIfAbsent(ExecutionResult result) {
            return recorded.computeIfAbsent(result.requestId(), id -> result);
        }

        @Override
        public Optional<ExecutionResult> substitute(ExecutionResult published, Outcome.Failure failure) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Reopening reopen(ExecutionResult recorded, ExecutionRequest.Replay replay) {
            throw new UnsupportedOperationException();
        }
    }
}
