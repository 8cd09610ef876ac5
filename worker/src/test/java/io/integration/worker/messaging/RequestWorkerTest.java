package io.integration.worker.messaging;

import static io.integration.worker.messaging.LoopKit.TOPICS;
import static io.integration.worker.messaging.LoopKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The poll side with Kafka's {@link MockConsumer}: holds, confirmed commits, a bounded drain. */
class RequestWorkerTest {

    private static final TopicPartition REQUESTS = new TopicPartition(TOPICS.requests(), 0);
    private static final TopicPartition RETRY = new TopicPartition(TOPICS.retry(), 0);

    /** Fails the first {@code failures} asynchronous commits, as a broker in a coordinator move would. */
    private static final class FlakyCommits extends MockConsumer<byte[], byte[]> {
        final AtomicInteger failures = new AtomicInteger();

        FlakyCommits(int failures) {
            super("earliest");
            this.failures.set(failures);
        }

        /** What the broker confirmed, readable after the consumer closed. */
        final Map<TopicPartition, Long> confirmed = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
            if (failures.getAndDecrement() > 0) {
                callback.onComplete(offsets, new RetriableCommitFailedException("coordinator moved"));
                return;
            }
            super.commitAsync(offsets, callback);
            offsets.forEach((p, o) -> confirmed.put(p, o.offset()));
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            super.commitSync(offsets, timeout);
            offsets.forEach((p, o) -> confirmed.put(p, o.offset()));
        }
    }

    private final LoopKit kit = new LoopKit();
    private final FlakyCommits consumer = new FlakyCommits(1);
    private Thread loop;
    private RequestWorker worker;

    private RequestWorker start(MockProducer<byte[], byte[]> producer, Duration drainTimeout) {
        OwnershipFence fence = new OwnershipFence(Duration.ofSeconds(30));
        JobRunner runner = new JobRunner(producer, kit.planner, fence, TOPICS, 5, LoopKit.CLOCK);
        worker = new RequestWorker(consumer, producer, kit.decoder, kit.encoder, runner, TOPICS,
                new RequestWorker.Limits(100, 10, Duration.ofSeconds(1), drainTimeout, Duration.ofSeconds(30)), fence, LoopKit.CLOCK);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(REQUESTS, RETRY));
            consumer.updateBeginningOffsets(Map.of(REQUESTS, 0L, RETRY, 0L));
        });
        loop = new Thread(worker, "test-loop");
        loop.start();
        return worker;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null) {
            worker.stop();
            loop.join(10_000);
        }
    }

    private static ConsumerRecord<byte[], byte[]> deferred(long offset, String requestId, long notBefore) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Deferrals.NOT_BEFORE, Long.toString(notBefore).getBytes(StandardCharsets.UTF_8));
        headers.add(Deferrals.ATTEMPTS, "1".getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>(TOPICS.retry(), 0, offset, 0L, TimestampType.CREATE_TIME, 4, 10, "acme".getBytes(StandardCharsets.UTF_8),
                json(requestId, "").getBytes(StandardCharsets.UTF_8), headers, java.util.Optional.empty());
    }

    @Test
    void aDeferredRecordNotYetDuePausesItsPartitionInsteadOfHoldingCommitsOrASlot() {
        LoopKit.ScriptedProducer producer = new LoopKit.ScriptedProducer();
        start(producer, Duration.ofSeconds(5));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(deferred(0, "later", System.currentTimeMillis() + 3_600_000));
            consumer.addRecord(deferred(1, "behind-it", System.currentTimeMillis()));
            consumer.addRecord(LoopKit.request(0, json("now", "")));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> committed(REQUESTS) == 1);
        assertThat(producer.sentTo(TOPICS.results())).singleElement().satisfies(r -> assertThat(r).contains("\"requestId\":\"now\""));
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.paused().contains(RETRY));
        assertThat(consumer.position(RETRY)).as("sought back to the record that is not due").isZero();
        assertThat(committed(RETRY)).as("nothing of the retry partition committed past it").isEqualTo(-1);

        long started = System.nanoTime();
        worker.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> !loop.isAlive());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the not-due record holds no revocation or drain")
                .isLessThan(Duration.ofSeconds(3));
    }

    /** One ordering key: the records of a test run one after the other, in offset order. */
    private static final String ONE_BY_ONE = ",\"orderingKey\":\"k\"";

    /** A request record at {@code offset} carrying the marks of replay {@code replayId}. */
    private static ConsumerRecord<byte[], byte[]> replayed(long offset, String requestId, String replayId, boolean force) {
        ConsumerRecord<byte[], byte[]> original = LoopKit.request(offset, json(requestId, ONE_BY_ONE));
        return new ConsumerRecord<>(TOPICS.requests(), 0, offset, 0L, TimestampType.CREATE_TIME, 4, original.value().length, original.key(),
                original.value(), ReplayHeaders.of(original, new io.integration.worker.execution.ExecutionRequest.Replay(replayId, force)),
                java.util.Optional.empty());
    }

    @Test
    void aReplayRunsAFailedRequestAgainOncePerReplayAndASucceededOneOnlyWhenForced() {
        LoopKit.ScriptedProducer producer = new LoopKit.ScriptedProducer();
        start(producer, Duration.ofSeconds(5));
        for (String id : List.of("rp-1", "rp-2", "rp-3")) {
            kit.startedReplays.put(id, new io.integration.worker.execution.ExecutionRequest.Replay(id, id.equals("rp-3")));
        }
        // The kit's registry has no instances: every run of a request looks its instance up once and fails INSTANCE_NOT_FOUND.
        kit.results.recordIfAbsent(new io.integration.worker.execution.ExecutionResult("done", null, "acme", "get", null, null,
                new io.integration.worker.execution.Outcome.Success("{}"), 1, java.time.Instant.EPOCH, java.time.Instant.EPOCH, List.of()));
        kit.results.recordIfAbsent(new io.integration.worker.execution.ExecutionResult("ok", null, "acme", "get", null, null,
                new io.integration.worker.execution.Outcome.Success("{}"), 1, java.time.Instant.EPOCH, java.time.Instant.EPOCH, List.of()));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(LoopKit.request(0, json("failed", ONE_BY_ONE)));
            consumer.addRecord(LoopKit.request(1, json("failed", ONE_BY_ONE)));
            consumer.addRecord(replayed(2, "failed", "rp-1", false));
            consumer.addRecord(replayed(3, "failed", "rp-1", false));
            consumer.addRecord(replayed(4, "failed", "rp-2", false));
            consumer.addRecord(replayed(5, "done", "rp-1", false));
            consumer.addRecord(replayed(6, "done", "rp-3", true));
            consumer.addRecord(replayed(7, "done", "rp-3", true));
            // Marks no operator made: a replay nobody started, and a started replay claiming a force it was not given
            consumer.addRecord(replayed(8, "failed", "rp-forged", false));
            consumer.addRecord(replayed(9, "ok", "rp-1", true));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> committed(REQUESTS) == 10);
        // failed: its first run, rp-1 once (its repeat answered from the record), rp-2 once; done: rp-3 (forced) once;
        // the forged marks ran nothing
        assertThat(kit.instanceLookups.get()).isEqualTo(4);
        assertThat(kit.results.find("failed").orElseThrow().replayId()).isEqualTo("rp-2");
        assertThat(kit.results.find("done").orElseThrow().replayId()).isEqualTo("rp-3");
        assertThat(kit.results.find("ok").orElseThrow().succeeded()).isTrue();
        assertThat(producer.sentTo(TOPICS.results())).hasSize(10);
    }

    @Test
    void aFailedCommitIsSentAgainAndCountsOnlyOnceConfirmed() {
        LoopKit.ScriptedProducer producer = new LoopKit.ScriptedProducer();
        start(producer, Duration.ofSeconds(5));
        consumer.schedulePollTask(() -> consumer.addRecord(LoopKit.request(0, json("r", ""))));

        await().atMost(Duration.ofSeconds(10)).until(() -> committed(REQUESTS) == 1);
        assertThat(consumer.failures.get()).as("the first commit failed and was sent again").isLessThan(0);
    }

    @Test
    void aStopEndsWithinTheDrainTimeoutEvenWhenAJobNeverFinishes() {
        MockProducer<byte[], byte[]> neverAcks = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        start(neverAcks, Duration.ofSeconds(2));
        consumer.schedulePollTask(() -> consumer.addRecord(LoopKit.request(0, json("stuck", ""))));
        await().atMost(Duration.ofSeconds(10)).until(() -> neverAcks.history().size() == 2);

        long started = System.nanoTime();
        worker.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !loop.isAlive());

        // Within the 2 s drain timeout, plus room for a busy machine; a stop that waited for the stuck record would not end.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(4_000));
        assertThat(committed(REQUESTS)).as("its offset stays for the next owner").isEqualTo(-1);
    }

    private long committed(TopicPartition partition) {
        return consumer.confirmed.getOrDefault(partition, -1L);
    }
}
