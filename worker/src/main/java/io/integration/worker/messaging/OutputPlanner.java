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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what one input record produces: its result and event, its dead letter, or its deferral record —
 * or, for a request of an ordering chain that must wait, a wait in place: deferring it to the retry topic
 * would let the chain's later requests overtake it. Runs on worker threads; throws the transient failures
 * (store, registry) that make the loop try again.
 */
final class OutputPlanner {

    /** What to do with a job. */
    sealed interface Plan {
        /** Publish these records (none: its dead letter was already produced). */
        record Publish(List<ProducerRecord<byte[], byte[]>> records) implements Plan {
        }

        /** Run the job again at {@code notBefore}, keeping its place in its ordering chain. */
        record WaitInPlace(Instant notBefore, int attempts, String reason) implements Plan {
        }
    }

    private static final Logger log = LoggerFactory.getLogger(OutputPlanner.class);

    private final RequestExecutor executor;
    private final OutputEncoder encoder;
    private final Topics topics;

    OutputPlanner(RequestExecutor executor, OutputEncoder encoder, Topics topics) {
        this.executor = executor;
        this.encoder = encoder;
        this.topics = topics;
    }

    /**
     * The records to publish for {@code job}; empty when its dead letter was already produced. Throws
     * {@link io.integration.worker.execution.OwnershipLostException} when {@code ownership} denies a call.
     */
    Plan plan(Job job, Ownership ownership) {
        if (job.decodeFailure instanceof PoisonRecordException poison) {
            if (job.deadLettered) {
                return new Plan.Publish(List.of());
            }
            job.deadLettered = true;
            log.warn("Poison record {} goes to {}: {}", job.where(), topics.deadLetter(), poison.getMessage());
            return new Plan.Publish(List.of(DeadLetters.of(topics.deadLetter(), job.record, DeadLetters.Stage.DESERIALIZATION, poison)));
        }
        if (job.decodeFailure != null) {
            throw job.decodeFailure; // registry unavailable: retry later
        }
        return switch (job.decoded) {
            case DecodedRequest.Valid v -> switch (executor.execute(v.request(), ownership)) {
                case Execution.Finished f -> publish(f.result(), v.request().replyTo(), v.format(), v.request().attributes());
                case Execution.Deferred d when job.chainKey != null -> new Plan.WaitInPlace(d.notBefore(), d.attempts(), d.reason());
                case Execution.Deferred d -> {
                    log.info("Request {} deferred to {} until {}: {}", v.request().requestId(), topics.retry(), d.notBefore(), d.reason());
                    yield new Plan.Publish(List.of(Deferrals.deferred(topics.retry(), job.record, d.notBefore(), d.attempts())));
                }
            };
            case DecodedRequest.Invalid i -> publish(executor.reject(i.requestId(), i.correlationId(), i.instanceId(), i.methodName(),
                    Outcome.Failure.of(ErrorCode.VALIDATION_ERROR, i.problem()), Instant.ofEpochMilli(job.record.timestamp())),
                    i.replyTo(), i.format(), Map.of());
        };
    }

    private Plan publish(ExecutionResult result, String replyTo, WireFormat format, Map<String, String> attributes) {
        String resultTopic = replyTo == null || replyTo.isBlank() ? topics.results() : replyTo;
        return new Plan.Publish(List.of(encoder.result(resultTopic, result, format), encoder.event(topics.events(), result, attributes)));
    }

}
