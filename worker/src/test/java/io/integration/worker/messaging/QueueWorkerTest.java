package io.integration.worker.messaging;

import static io.integration.worker.messaging.LoopKit.TOPICS;
import static io.integration.worker.messaging.LoopKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.AcknowledgementCommitCallback;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue loop's acknowledgement contract, against a share consumer that enforces the client's explicit-mode rules. */
class QueueWorkerTest {

    private static final String QUEUE = "t.requests.queue";

    /**
     * A share consumer that behaves as the Kafka 4.4 client did on the real broker: every record of a poll must be
     * acknowledged before the next poll (else IllegalStateException), only records of the last poll can be acknowledged,
     * and a renewed record comes back in the poll after the one that sent the renewal.
     */
    static final class StrictShareConsumer implements ShareConsumer<byte[], byte[]> {
        record Ack(long offset, AcknowledgeType type) {
        }

        private final ArrayDeque<ConsumerRecord<byte[], byte[]>> available = new ArrayDeque<>();
        private final Map<Long, ConsumerRecord<byte[], byte[]>> delivered = new LinkedHashMap<>();
        private final List<ConsumerRecord<byte[], byte[]>> renewing = new ArrayList<>();
        private final List<ConsumerRecord<byte[], byte[]>> comingBack = new ArrayList<>();
        private final int maxRecords;
        final List<Ack> acks = new CopyOnWriteArrayList<>();
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger commits = new AtomicInteger();
        volatile String violation;
        volatile boolean closed;
        /** The race seen on the real client: a renewal answered after the poll meant to return it, so no poll ever returns it. */
        volatile boolean renewalsComeBackUnseen;
        /** The client's state no longer matches the loop's: every poll is refused. */
        volatile boolean refusesToPoll;

        StrictShareConsumer(int maxRecords) {
            this.maxRecords = maxRecords;
        }

        synchronized void add(ConsumerRecord<byte[], byte[]> record) {
            available.add(record);
        }

        List<AcknowledgeType> acksOf(long offset) {
            return acks.stream().filter(a -> a.offset() == offset).map(Ack::type).toList();
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            polls.incrementAndGet();
            if (refusesToPoll) {
                throw new IllegalStateException("All records must be acknowledged in explicit acknowledgement mode.");
            }
            if (!delivered.isEmpty()) {
                if (!renewalsComeBackUnseen) {
                    violation = "poll with unacknowledged records " + delivered.keySet();
                }
                throw new IllegalStateException("All records must be acknowledged in explicit acknowledgement mode.");
            }
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            if (renewalsComeBackUnseen) {
                comingBack.forEach(r -> delivered.put(r.offset(), r)); // in the consumer's fetch, never returned
            } else {
                out.addAll(comingBack);
            }
            comingBack.clear();
            comingBack.addAll(renewing); // back in the poll after this one, as on the broker
            renewing.clear();
            while (out.size() < maxRecords && !available.isEmpty() && comingBack.isEmpty()) {
                out.add(available.poll());
            }
            out.forEach(r -> delivered.put(r.offset(), r));
            if (out.isEmpty()) {
                try {
                    wait(Math.min(timeout.toMillis(), 10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ConsumerRecords.empty();
            }
            return new ConsumerRecords<>(Map.of(new TopicPartition(QUEUE, 0), out), Map.of());
        }

        @Override
        public synchronized void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {
            if (delivered.remove(record.offset()) == null) {
                // Refused, as by the client; the loop tries this on purpose when a poll is refused, so it is not a violation.
                throw new IllegalStateException("record " + record.offset() + " is not waiting to be acknowledged");
            }
            acks.add(new Ack(record.offset(), type));
            if (type == AcknowledgeType.RENEW) {
                renewing.add(record);
            }
        }

        @Override
        public void acknowledge(ConsumerRecord<byte[], byte[]> record) {
            acknowledge(record, AcknowledgeType.ACCEPT);
        }

        @Override
        public void acknowledge(String topic, int partition, long offset, AcknowledgeType type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<TopicIdPartition, Optional<KafkaException>> commitSync() {
            return commitSync(Duration.ofSeconds(30));
        }

        /** Sends the acknowledgements: renewed records come back with the next poll, as on the broker. */
        @Override
        public synchronized Map<TopicIdPartition, Optional<KafkaException>> commitSync(Duration timeout) {
            commits.incrementAndGet();
            comingBack.addAll(renewing);
            renewing.clear();
            return Map.of();
        }

        @Override
        public void commitAsync() {
        }

        @Override
        public void setAcknowledgementCommitCallback(AcknowledgementCommitCallback callback) {
        }

        @Override
        public Set<String> subscription() {
            return Set.of(QUEUE);
        }

        @Override
        public void subscribe(Collection<String> topics) {
        }

        @Override
        public void unsubscribe() {
        }

        @Override
        public Uuid clientInstanceId(Duration timeout) {
            return Uuid.ZERO_UUID;
        }

        @Override
        public Optional<Integer> acquisitionLockTimeoutMs() {
            return Optional.empty();
        }

        @Override
        public Map<MetricName, ? extends Metric> metrics() {
            return new HashMap<>();
        }

        @Override
        public void registerMetricForSubscription(KafkaMetric metric) {
        }

        @Override
        public void unregisterMetricFromSubscription(KafkaMetric metric) {
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void close(Duration timeout) {
            closed = true;
        }

        @Override
        public void wakeup() {
        }
    }

    private final LoopKit kit = new LoopKit();
    private final StrictShareConsumer consumer = new StrictShareConsumer(10);
    /** Sends complete only when the test says so: a job is running until its outputs are acknowledged. */
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private QueueWorker worker;
    private Thread loop;

    /** The consumers the loop gets, in order: {@link #consumer} first. */
    private final ArrayDeque<StrictShareConsumer> consumers = new ArrayDeque<>(List.of(consumer));

    private void start(Duration lockDuration) {
        OwnershipFence fence = new OwnershipFence(lockDuration.dividedBy(3));
        JobRunner runner = new JobRunner(producer, kit.planner, fence, TOPICS, 5, LoopKit.CLOCK);
        worker = new QueueWorker(consumers::poll, producer, kit.decoder, runner, new QueueWorker.Limits(QUEUE, 100, Duration.ofSeconds(5), lockDuration),
                fence, LoopKit.CLOCK);
        loop = new Thread(worker, "test-queue-loop");
        loop.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null) {
            worker.stop();
            loop.join(10_000);
        }
        assertThat(consumer.violation).as("the client's explicit-mode rules").isNull();
    }

    private static ConsumerRecord<byte[], byte[]> queued(long offset, String value) {
        return new ConsumerRecord<>(QUEUE, 0, offset, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> sentTo(String topic) {
        return producer.history().stream().filter(r -> r.topic().equals(topic)).map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aRecordIsAcceptedOnlyOnceItsResultAndEventAreAcknowledgedAndNoPollRenewsItMeanwhile() {
        start(Duration.ofSeconds(30));
        consumer.add(queued(0, json("r-0", "")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        int pollsWhileRunning = consumer.polls.get();

        // While the outputs are unacknowledged, the record is neither accepted nor renewed, and the loop does not poll
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> consumer.acks.isEmpty());
        assertThat(consumer.polls.get()).as("polls while its only record runs").isEqualTo(pollsWhileRunning);

        producer.completeNext();
        assertThat(consumer.acksOf(0)).isEmpty();
        producer.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.acksOf(0).equals(List.of(AcknowledgeType.ACCEPT)));
        assertThat(sentTo(TOPICS.results())).singleElement().satisfies(r -> assertThat(r).contains("\"requestId\":\"r-0\""));
    }

    @Test
    void poisonIsRejectedOnlyAfterItsDeadLetterIsAcknowledged() {
        start(Duration.ofSeconds(30));
        consumer.add(queued(0, "not json at all"));
        await().atMost(Duration.ofSeconds(10)).until(() -> sentTo(TOPICS.deadLetter()).size() == 1);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> consumer.acks.isEmpty());

        producer.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.acksOf(0).equals(List.of(AcknowledgeType.REJECT)));
    }

    @Test
    void anOrderingKeyOnTheQueueIsAnsweredWithValidationErrorNamingTheField() {
        start(Duration.ofSeconds(30));
        consumer.add(queued(0, json("ordered", ",\"orderingKey\":\"k\"")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        producer.completeNext();
        producer.completeNext();

        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.acksOf(0).equals(List.of(AcknowledgeType.ACCEPT)));
        assertThat(sentTo(TOPICS.results())).singleElement().satisfies(r -> assertThat(r)
                .contains("\"code\":\"VALIDATION_ERROR\"").contains("orderingKey: set on the queue topic"));
    }

    @Test
    void aRecordStillRunningPastHalfItsLockIsRenewedUntilItIsDone() {
        start(Duration.ofMillis(600));
        consumer.add(queued(0, json("slow", "")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);

        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.acksOf(0).stream().filter(AcknowledgeType.RENEW::equals).count() >= 3);
        producer.completeNext();
        producer.completeNext();

        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.acksOf(0).contains(AcknowledgeType.ACCEPT));
        List<AcknowledgeType> acks = consumer.acksOf(0);
        assertThat(acks.subList(0, acks.size() - 1)).as("renewals before the one final acknowledgement").containsOnly(AcknowledgeType.RENEW);
        assertThat(consumer.commits.get()).as("each renewal sent on its own, not with a fetch").isGreaterThanOrEqualTo(acks.size() - 1);
        assertThat(loop.isAlive()).isTrue();
    }

    @Test
    void aRenewedRecordThatNoPollReturnsIsStillAcknowledgedAndTheLoopLivesOn() {
        consumer.renewalsComeBackUnseen = true;
        start(Duration.ofMillis(600));
        consumer.add(queued(0, json("slow", "")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);

        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.acksOf(0).stream().filter(AcknowledgeType.RENEW::equals).count() >= 3);
        producer.completeNext();
        producer.completeNext();

        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.acksOf(0).contains(AcknowledgeType.ACCEPT));
        assertThat(loop.isAlive()).isTrue();
        consumer.add(queued(1, json("after", "")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 4);
    }

    @Test
    void aConsumerThatRefusesToPollIsReplacedAndWhatItHeldIsGivenBack() {
        StrictShareConsumer second = new StrictShareConsumer(10);
        consumers.add(second);
        start(Duration.ofMillis(600));
        consumer.add(queued(0, json("held", "")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);

        consumer.refusesToPoll = true; // the renewal's poll is refused
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.closed);
        producer.completeNext();
        producer.completeNext();
        assertThat(consumer.acksOf(0)).as("given back by the close, never accepted by a consumer that lost track")
                .containsOnly(AcknowledgeType.RENEW);

        second.add(queued(1, json("next", "")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 4);
        producer.completeNext();
        producer.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> second.acksOf(1).equals(List.of(AcknowledgeType.ACCEPT)));
        assertThat(loop.isAlive()).isTrue();
        assertThat(second.violation).isNull();
    }

    @Test
    void stoppingGivesBackWhatIsUnfinishedAndAcceptsWhatFinished() throws InterruptedException {
        start(Duration.ofSeconds(30));
        consumer.add(queued(0, json("done", "")));
        consumer.add(queued(1, json("unfinished", "")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 4);
        // The outputs of "done" (its result and event) are acknowledged; those of "unfinished" never are.
        List<String> requestIds = producer.history().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        for (String value : requestIds) {
            if (value.contains("\"done\"")) {
                producer.completeNext();
            } else {
                producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("never acknowledged"));
            }
        }

        worker.stop();
        loop.join(10_000);

        assertThat(loop.isAlive()).isFalse();
        assertThat(consumer.closed).isTrue();
        assertThat(consumer.acksOf(0)).containsExactly(AcknowledgeType.ACCEPT);
        assertThat(consumer.acksOf(1)).containsExactly(AcknowledgeType.RELEASE);
    }
}
