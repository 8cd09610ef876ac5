package io.integration.worker.messaging;

import io.integration.worker.execution.ErrorCode;
import io.integration.worker.execution.Execution;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.Ownership;
import io.integration.worker.execution.RequestExecutor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what one input record produces: its answer (result and event), its dead letter, or its deferral
 * record — or, for a request of an ordering chain that must wait, a wait in place: deferring it to the retry
 * topic would let the chain's later requests overtake it. When an answer cannot be published, it also builds
 * the substitute: an error result on the default results topic. Runs on worker threads; throws the transient
 * failures (store, registry) that make the loop try again.
 */
final class OutputPlanner {

    /** What to do with a job. */
    sealed interface Plan {
        /** Publish these records; {@code answer} is null for a dead letter or a deferral. */
        record Publish(Answer answer, List<ProducerRecord<byte[], byte[]>> records) implements Plan {
        }

        /** Run the job again at {@code notBefore}, keeping its place in its ordering chain. */
        record WaitInPlace(Instant notBefore, int attempts, String reason) implements Plan {
        }
    }

    /** A result being published, with what its records were encoded from: enough to build a substitute. */
    record Answer(ExecutionResult result, WireFormat format, Map<String, String> attributes, String resultTopic) {
    }

    private static final Logger log = LoggerFactory.getLogger(OutputPlanner.class);

    private final RequestExecutor executor;
    private final OutputEncoder encoder;
    private final Topics topics;
    private final ReplyTopics replyTopics;
    private final long maxRecordBytes;

    /** {@code maxRecordBytes}: the producer's {@code max.request.size}; a larger result is answered RESULT_TOO_LARGE before any send. */
    OutputPlanner(RequestExecutor executor, OutputEncoder encoder, Topics topics, ReplyTopics replyTopics, long maxRecordBytes) {
        this.executor = executor;
        this.encoder = encoder;
        this.topics = topics;
        this.replyTopics = replyTopics;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * The records to publish for {@code job}. Throws {@link io.integration.worker.execution.OwnershipLostException}
     * when {@code ownership} denies a call.
     */
    Plan plan(Job job, Ownership ownership) {
        if (job.poison() != null) {
            PoisonRecordException poison = job.poison();
            log.warn("Poison record {} goes to {}: {}", job.where(), topics.deadLetter(), poison.getMessage());
            return deadLetter(job, poison.stage(), poison, job.deadLetterCompaction());
        }
        return switch (job.decoded()) {
            case DecodedRequest.Valid v -> {
                Optional<String> refused = replyTopics.refusal(v.request().replyTo());
                if (refused.isPresent()) {
                    // Checked before the call: a request that cannot be answered where it asks is not executed.
                    yield answer(reject(job, v.request().requestId(), v.request().correlationId(), v.request().instanceId(),
                            v.request().methodName(), ErrorCode.REPLY_TO_NOT_ALLOWED, refused.get()), null, v.format(), v.request().attributes());
                }
                yield switch (executor.execute(v.request(), ownership)) {
                    case Execution.Finished f -> answer(f.result(), v.request().replyTo(), v.format(), v.request().attributes());
                    case Execution.Deferred d when job.chainKey() != null -> new Plan.WaitInPlace(d.notBefore(), d.attempts(), d.reason());
                    case Execution.Deferred d -> {
                        log.debug("Request {} deferred to {} until {}: {}", v.request().requestId(), topics.retry(), d.notBefore(), d.reason());
                        yield new Plan.Publish(null, List.of(Deferrals.deferred(topics.retry(), job.record(), d.notBefore(), d.attempts())));
                    }
                };
            }
            case DecodedRequest.Invalid i -> {
                Optional<String> refused = replyTopics.refusal(i.replyTo());
                String problem = refused.map(r -> i.problem() + "; " + r).orElse(i.problem());
                yield answer(reject(job, i.requestId(), i.correlationId(), i.instanceId(), i.methodName(), ErrorCode.VALIDATION_ERROR, problem),
                        refused.isPresent() ? null : i.replyTo(), i.format(), Map.of());
            }
        };
    }

    /**
     * Records that {@code requestId} is answered with {@code failure} instead of its result, which could not be published:
     * the next plan of the record (and of any redelivery) publishes that substitute on the default results topic.
     */
    void recordSubstitute(ExecutionResult published, Outcome.Failure failure) {
        executor.substitute(published, failure);
    }

    /**
     * The substitute for an answer that cannot be published: the same result with {@code code} and {@code message},
     * on the default results topic. Derived from the recorded result only, so a repeat builds the identical substitute.
     */
    private Plan.Publish substitute(Answer failed, ErrorCode code, String message, String details) {
        ExecutionResult result = failed.result().withOutcome(new Outcome.Failure(code, message, false, null, details));
        Answer substitute = new Answer(result, failed.format(), failed.attributes(), topics.results());
        return new Plan.Publish(substitute, List.of(encoder.result(topics.results(), result, failed.format()),
                encoder.event(topics.events(), result, failed.attributes())));
    }

    /** Answers about the answer itself (it could not go where asked) always go to the default results topic. */
    private static boolean substituted(ExecutionResult result) {
        return result.outcome() instanceof Outcome.Failure f
                && (f.code() == ErrorCode.REPLY_TO_NOT_ALLOWED || f.code() == ErrorCode.RESULT_TOO_LARGE);
    }

    /** The dead letter of {@code job}'s original record, as compact as {@code compaction} says ({@link DeadLetters#of}). */
    Plan.Publish deadLetter(Job job, DeadLetters.Stage stage, Throwable why, int compaction) {
        return new Plan.Publish(null, List.of(DeadLetters.of(topics.deadLetter(), job.record(), stage, why, compaction)));
    }

    /** What the producer counts against {@code max.request.size}, with room for the record batch's own overhead. */
    static long size(ProducerRecord<byte[], byte[]> record) {
        long bytes = 256 + (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (var header : record.headers()) {
            bytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return bytes;
    }

    private ExecutionResult reject(Job job, String requestId, String correlationId, String instanceId, String methodName, ErrorCode code,
                                   String problem) {
        return executor.reject(requestId, correlationId, instanceId, methodName, Outcome.Failure.of(code, problem),
                Instant.ofEpochMilli(job.record().timestamp()));
    }

    /**
     * The result and its event. A result that cannot even be encoded (a reply topic's subject refusing the schema,
     * say) is answered with the substitute right away.
     */
    private Plan.Publish answer(ExecutionResult result, String replyTo, WireFormat format, Map<String, String> attributes) {
        String resultTopic = replyTo == null || replyTo.isBlank() || substituted(result) ? topics.results() : replyTo;
        Answer answer = new Answer(result, format, attributes, resultTopic);
        try {
            ProducerRecord<byte[], byte[]> record = encoder.result(resultTopic, result, format);
            long bytes = size(record);
            if (bytes > maxRecordBytes) {
                // Known before sending: the event then says what the requester gets, and nothing is sent twice.
                return substitute(answer, ErrorCode.RESULT_TOO_LARGE, "the result of " + bytes + " bytes is larger than the producer's "
                        + "max.request.size " + maxRecordBytes + " (raise it with the topic's max.message.bytes, or set "
                        + "results.claim.check.bytes)", "{\"recordBytes\":" + bytes + "}");
            }
            List<ProducerRecord<byte[], byte[]>> records = new java.util.ArrayList<>(List.of(record, encoder.event(topics.events(), result, attributes)));
            if (result.outcome() instanceof Outcome.Failure f && f.code() == ErrorCode.DESTINATION_NOT_ALLOWED) {
                // One security event per refused request, derived from the recorded result (a repeat is identical).
                records.add(encoder.securityEvent(topics.events(), result));
            }
            if (result.outcome() instanceof Outcome.Success s && s.served() != null && s.served().fallback()) {
                // One fallback event per request answered by a fallback, derived from the recorded result.
                records.add(encoder.fallbackEvent(topics.events(), result, s.served()));
            }
            return new Plan.Publish(answer, List.copyOf(records));
        } catch (RuntimeException e) {
            if (SendFailures.transientWhilePlanning(e) || resultTopic.equals(topics.results())) {
                throw e;
            }
            log.warn("Result of {} cannot be encoded for '{}': {}", result.requestId(), resultTopic, e.toString());
            return substitute(answer, ErrorCode.REPLY_TO_NOT_ALLOWED, "replyTo: '" + resultTopic + "' refused the result: " + e.getMessage(), null);
        }
    }
}
