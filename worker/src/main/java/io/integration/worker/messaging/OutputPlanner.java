package io.integration.worker.messaging;

import io.integration.worker.execution.ErrorCode;
import io.integration.worker.execution.Execution;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.RequestExecutor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what one input record produces: its result and event, its dead letter, or its deferral record.
 * Runs on worker threads; throws the transient failures (store, registry) that make the loop try again.
 */
final class OutputPlanner {

    private static final Logger log = LoggerFactory.getLogger(OutputPlanner.class);

    private final RequestExecutor executor;
    private final OutputEncoder encoder;
    private final Topics topics;

    OutputPlanner(RequestExecutor executor, OutputEncoder encoder, Topics topics) {
        this.executor = executor;
        this.encoder = encoder;
        this.topics = topics;
    }

    /** The records to publish for {@code job}; empty when its dead letter was already produced. */
    List<ProducerRecord<byte[], byte[]>> outputs(Job job) {
        if (job.decodeFailure instanceof PoisonRecordException poison) {
            if (job.deadLettered) {
                return List.of();
            }
            job.deadLettered = true;
            log.warn("Poison record {} goes to {}: {}", job.where(), topics.deadLetter(), poison.getMessage());
            return List.of(DeadLetters.of(topics.deadLetter(), job.record, DeadLetters.Stage.DESERIALIZATION, poison));
        }
        if (job.decodeFailure != null) {
            throw job.decodeFailure; // registry unavailable: retry later
        }
        return switch (job.decoded) {
            case DecodedRequest.Valid v -> switch (executor.execute(v.request())) {
                case Execution.Finished f -> publish(f.result(), v.request().replyTo(), v.format(), v.request().attributes());
                case Execution.Deferred d -> {
                    log.info("Request {} deferred to {} until {}: {}", v.request().requestId(), topics.retry(), d.notBefore(), d.reason());
                    yield List.of(Deferrals.deferred(topics.retry(), job.record, d.notBefore(), d.attempts()));
                }
            };
            case DecodedRequest.Invalid i -> publish(executor.reject(i.requestId(), i.correlationId(), i.instanceId(), i.methodName(),
                    Outcome.Failure.of(ErrorCode.VALIDATION_ERROR, i.problem()), Instant.ofEpochMilli(job.record.timestamp())),
                    i.replyTo(), i.format(), Map.of());
        };
    }

    private List<ProducerRecord<byte[], byte[]>> publish(ExecutionResult result, String replyTo, WireFormat format, Map<String, String> attributes) {
        String resultTopic = replyTo == null || replyTo.isBlank() ? topics.results() : replyTo;
        return List.of(encoder.result(resultTopic, result, format), encoder.event(topics.events(), result, attributes));
    }

}
