package io.integration.worker.messaging;

import static io.integration.worker.messaging.LoopKit.TOPICS;
import static io.integration.worker.messaging.LoopKit.json;
import static io.integration.worker.messaging.LoopKit.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The job side's failure paths, each injected at the producer or the result log. */
class JobRunnerTest {

    private final LoopKit kit = new LoopKit();
    private final LoopKit.ScriptedProducer producer = new LoopKit.ScriptedProducer();
    private final JobRunner runner = new JobRunner(producer, kit.planner, new OwnershipFence(Duration.ofSeconds(30)), TOPICS, 2, LoopKit.CLOCK);

    @AfterEach
    void close() {
        runner.close();
    }

    private Job runToTheEnd(Job job) {
        runner.start(job);
        AtomicReference<Job> done = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            done.compareAndSet(null, runner.nextFinished());
            return done.get() != null;
        });
        return done.get();
    }

    private void recordSuccess(String requestId, String data) {
        Instant at = Instant.parse("2026-11-28T10:00:00Z");
        kit.results.recordIfAbsent(new ExecutionResult(requestId, null, "acme", "get", "demo", "1.0.0", new Outcome.Success(data), 1, at,
                at.plusMillis(5), List.of()));
    }

    private static boolean to(ProducerRecord<byte[], byte[]> record, String topic, String containing) {
        return record.topic().equals(topic) && new String(record.value(), StandardCharsets.UTF_8).contains(containing);
    }

    @Test
    void aResultTooLargeToPublishIsAnsweredWithResultTooLargeAndItsEventIsPublishedOnce() {
        recordSuccess("big", "{\"blob\":\"x\"}");
        producer.fail(r -> to(r, TOPICS.results(), "\"SUCCESS\""), () -> new RecordTooLargeException("2621500 bytes"), Integer.MAX_VALUE);

        Job job = runToTheEnd(kit.job(request(0, json("big", ""))));

        assertThat(job.record().offset()).isZero();
        assertThat(producer.sentTo(TOPICS.results())).singleElement().satisfies(result -> assertThat(result)
                .contains("\"status\":\"ERROR\"", "\"code\":\"RESULT_TOO_LARGE\"", "RecordTooLargeException: 2621500 bytes"));
        assertThat(producer.sentTo(TOPICS.events())).as("the event was acknowledged with the first try: not sent again").hasSize(1);
        assertThat(producer.refused).hasSize(1);
    }

    @Test
    void aResultLargerThanMaxRequestSizeIsAnsweredResultTooLargeBeforeAnythingIsSent() {
        recordSuccess("huge", "{\"blob\":\"" + "x".repeat(2_000_000) + "\"}");

        runToTheEnd(kit.job(request(0, json("huge", ""))));

        assertThat(producer.refused).isEmpty();
        assertThat(producer.sentTo(TOPICS.results())).singleElement().satisfies(result -> assertThat(result)
                .contains("\"code\":\"RESULT_TOO_LARGE\"", "max.request.size 1048576", "recordBytes"));
        assertThat(producer.sentTo(TOPICS.events())).singleElement()
                .satisfies(event -> assertThat(event).contains("integration.method.failed", "RESULT_TOO_LARGE"));
    }

    @Test
    void aRefusedReplyToIsAnsweredOnTheResultsTopicWithoutExecuting() {
        Job job = runToTheEnd(kit.job(request(0, json("r1", ",\"replyTo\":\"" + TOPICS.events() + "\""))));

        assertThat(job).isNotNull();
        assertThat(kit.instanceLookups).as("refused before execution").hasValue(0);
        assertThat(producer.sentTo(TOPICS.results())).singleElement().satisfies(result -> assertThat(result)
                .contains("\"code\":\"REPLY_TO_NOT_ALLOWED\"", "internal or worker topic"));
        assertThat(producer.sentTo(TOPICS.events())).singleElement().satisfies(event -> assertThat(event).contains("integration.method.failed"));
    }

    @Test
    void aTransientFailureSendsAgainOnlyWhatWasNotAcknowledged() {
        producer.fail(r -> r.topic().equals(TOPICS.results()), () -> new NotLeaderOrFollowerException("moving"), 2);

        runToTheEnd(kit.job(request(0, json("r2", ""))));

        assertThat(producer.refused).hasSize(2);
        assertThat(producer.sentTo(TOPICS.results())).singleElement().satisfies(r -> assertThat(r).contains("INSTANCE_NOT_FOUND"));
        assertThat(producer.sentTo(TOPICS.events())).as("published once").hasSize(1);
        assertThat(runner.failures("transient")).isEqualTo(2);
    }

    @Test
    void aReplyTopicThatStaysUnwritableWhileTheWorkersOwnTopicsTakeWritesEndsAsReplyToNotAllowedAfterTheBoundedTries() {
        producer.fail(r -> r.topic().equals("replies.gone"), () -> new UnknownTopicOrPartitionException("no such topic"), Integer.MAX_VALUE);
        runToTheEnd(kit.job(request(0, json("ordinary", "")))); // the worker's own topics take writes

        runToTheEnd(kit.job(request(1, json("r3", ",\"replyTo\":\"replies.gone\""))));

        assertThat(producer.refused).as("worker.max.publish.attempts = 2").hasSize(2);
        assertThat(producer.sentTo(TOPICS.results())).filteredOn(r -> r.contains("\"r3\"")).singleElement().satisfies(r -> assertThat(r)
                .contains("\"code\":\"REPLY_TO_NOT_ALLOWED\"", "replies.gone"));
        assertThat(producer.sentTo(TOPICS.events())).as("the event waited for the result: it tells what the requester got")
                .filteredOn(e -> e.contains("\"r3\"")).singleElement()
                .satisfies(e -> assertThat(e).contains("integration.method.failed", "REPLY_TO_NOT_ALLOWED"));
    }

    @Test
    void whileNothingTakesWritesAReplyTopicFailureIsTheBrokersAndIsWaitedOut() {
        producer.fail(r -> r.topic().equals("replies.team"), () -> new org.apache.kafka.common.errors.TimeoutException("metadata"), 3);

        runToTheEnd(kit.job(request(0, json("r6", ",\"replyTo\":\"replies.team\""))));

        assertThat(producer.refused).hasSize(3);
        assertThat(producer.sentTo("replies.team")).singleElement().satisfies(r -> assertThat(r).contains("INSTANCE_NOT_FOUND"));
        assertThat(producer.sentTo(TOPICS.results())).as("no substitute: the answer went where it was asked").isEmpty();
    }

    @Test
    void whenNotEvenTheErrorResultCanBePublishedTheOriginalGoesToTheDeadLetterTopic() {
        recordSuccess("big", "{}");
        // A results topic whose max.message.bytes is smaller than any result: not even the error result fits.
        producer.fail(r -> r.topic().equals(TOPICS.results()), () -> new RecordTooLargeException("topic limit 100 bytes"), Integer.MAX_VALUE);

        Job job = runToTheEnd(kit.job(request(7, json("big", ""))));

        assertThat(producer.sentTo(TOPICS.results())).isEmpty();
        List<ProducerRecord<byte[], byte[]>> dead = producer.history().stream().filter(r -> r.topic().equals(TOPICS.deadLetter())).toList();
        assertThat(dead).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo(job.record().value());
            assertThat(header(letter, "integration.error.stage")).isEqualTo("OUTPUT");
            assertThat(header(letter, "integration.error.offset")).isEqualTo("7");
        });
    }

    @Test
    void aSubstituteIsRecordedSoARedeliveryAnswersTheSameWayEvenOnceTheReplyTopicWorks() {
        producer.fail(r -> r.topic().equals("replies.gone"), () -> new UnknownTopicOrPartitionException("no such topic"), 2);
        runToTheEnd(kit.job(request(0, json("ordinary", ""))));
        runToTheEnd(kit.job(request(1, json("r7", ",\"replyTo\":\"replies.gone\""))));

        runToTheEnd(kit.job(request(1, json("r7", ",\"replyTo\":\"replies.gone\"")))); // redelivered; the topic works now

        assertThat(producer.sentTo("replies.gone")).as("never the original after its substitute").isEmpty();
        assertThat(producer.sentTo(TOPICS.results())).filteredOn(r -> r.contains("\"r7\"")).hasSize(2)
                .allSatisfy(r -> assertThat(r).contains("REPLY_TO_NOT_ALLOWED")).containsOnly(producer.sentTo(TOPICS.results()).stream()
                        .filter(r -> r.contains("\"r7\"")).findFirst().orElseThrow());
    }

    @Test
    void aDeadLetterTooLargeForTheTopicIsSentAgainWithoutTheStackTraceThenWithoutTheValue() {
        producer.fail(r -> r.topic().equals(TOPICS.deadLetter()) && r.headers().lastHeader("integration.error.value.dropped") == null,
                () -> new RecordTooLargeException("too large"), Integer.MAX_VALUE);

        runToTheEnd(kit.job(request(4, "definitely not a request")));

        assertThat(producer.refused).hasSize(2);
        assertThat(producer.history()).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isNull();
            assertThat(header(letter, "integration.error.value.dropped")).isEqualTo("24");
            assertThat(header(letter, "integration.error.stage")).isEqualTo("DESERIALIZATION");
            assertThat(letter.headers().lastHeader("integration.error.exception.stacktrace")).isNull();
        });
    }

    @Test
    void theWorkersOwnTopicRefusingWritesIsWaitedOutNotBlamedOnTheRecord() {
        producer.fail(r -> r.topic().equals(TOPICS.events()), () -> new TopicAuthorizationException("ACL changed"), 2);

        runToTheEnd(kit.job(request(0, json("r8", ""))));

        assertThat(producer.history().stream().filter(r -> r.topic().equals(TOPICS.deadLetter()))).isEmpty();
        assertThat(producer.sentTo(TOPICS.results())).singleElement().satisfies(r -> assertThat(r).contains("INSTANCE_NOT_FOUND"));
        assertThat(producer.sentTo(TOPICS.events())).hasSize(1);
    }

    @Test
    void anOrderedRequestDeadLetteredBeforeItExecutedLetsItsChainGoOn() {
        kit.results.findFailure = () -> new IllegalStateException("bug");
        PartitionTracker tracker = new PartitionTracker();
        Job first = Job.of(request(0, json("k1", ",\"orderingKey\":\"k\"")), tracker,
                kit.decoder.decode(json("k1", ",\"orderingKey\":\"k\"").getBytes(StandardCharsets.UTF_8)), null);
        Job second = Job.of(request(1, json("k2", ",\"orderingKey\":\"k\"")), tracker,
                kit.decoder.decode(json("k2", ",\"orderingKey\":\"k\"").getBytes(StandardCharsets.UTF_8)), null);
        assertThat(first.enterChain()).isTrue();
        assertThat(second.enterChain()).isFalse();

        runner.start(first);
        await().atMost(Duration.ofSeconds(20)).until(() -> producer.history().stream().anyMatch(r -> r.topic().equals(TOPICS.deadLetter())));
        kit.results.findFailure = null;

        await().atMost(Duration.ofSeconds(20)).until(() -> producer.sentTo(TOPICS.results()).stream().anyMatch(r -> r.contains("\"k2\"")));
    }

    @Test
    void aPoisonRecordIsFinishedOnlyOnceItsDeadLetterIsAcknowledged() {
        producer.fail(r -> r.topic().equals(TOPICS.deadLetter()), () -> new NotLeaderOrFollowerException("moving"), 2);

        runner.start(kit.job(request(3, "not json")));
        await().atMost(Duration.ofSeconds(20)).until(() -> producer.refused.size() == 2);
        assertThat(runner.nextFinished()).as("not finished while its dead letter fails").isNull();

        await().atMost(Duration.ofSeconds(20)).until(() -> runner.nextFinished() != null);
        assertThat(producer.history()).singleElement().satisfies(letter -> {
            assertThat(letter.topic()).isEqualTo(TOPICS.deadLetter());
            assertThat(header(letter, "integration.error.stage")).isEqualTo("DESERIALIZATION");
        });
    }

    @Test
    void theSameUnexpectedFailureIsTriedABoundedNumberOfTimesThenDeadLettered() {
        kit.results.findFailure = () -> new IllegalStateException("a bug that this record triggers every time");

        runToTheEnd(kit.job(request(0, json("r4", ""))));

        assertThat(producer.history()).singleElement().satisfies(letter -> {
            assertThat(letter.topic()).isEqualTo(TOPICS.deadLetter());
            assertThat(header(letter, "integration.error.stage")).isEqualTo("EXECUTION");
            assertThat(header(letter, "integration.error.exception.message")).contains("a bug that this record triggers");
        });
        assertThat(runner.failures("unexpected")).isEqualTo(1);
    }

    @Test
    void aStoreOutageIsWaitedOutWithoutLimitAndAnsweredAfterwards() {
        kit.results.findFailure = () -> new io.integration.registry.store.StoreUnavailableException("find", new RuntimeException("down"));
        runner.start(kit.job(request(0, json("r5", ""))));
        await().atMost(Duration.ofSeconds(20)).until(() -> runner.failures("transient") >= 3);
        assertThat(runner.nextFinished()).isNull();
        assertThat(producer.history()).as("nothing answered or dead-lettered while MongoDB is away").isEmpty();

        kit.results.findFailure = null;
        await().atMost(Duration.ofSeconds(30)).until(() -> runner.nextFinished() != null);
        assertThat(producer.sentTo(TOPICS.results())).singleElement().satisfies(r -> assertThat(r).contains("INSTANCE_NOT_FOUND"));
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aRequestsLogContextNamesItAndItsInstanceButNothingItDoesNotHave() {
        io.integration.worker.execution.ExecutionRequest request = new io.integration.worker.execution.ExecutionRequest("r-1", null,
                "crm-1", "get", "{}", null, null, null, null, java.util.Map.of(), java.time.Instant.EPOCH);

        assertThat(JobRunner.logContext(new DecodedRequest.Valid(request, WireFormat.JSON)))
                .containsExactly(java.util.Map.entry("requestId", "r-1"), java.util.Map.entry("instanceId", "crm-1"));
        assertThat(JobRunner.logContext(new DecodedRequest.Invalid("r-2", "c-2", null, null, null, "no method", WireFormat.JSON)))
                .containsExactly(java.util.Map.entry("requestId", "r-2"), java.util.Map.entry("correlationId", "c-2"));
    }
}
