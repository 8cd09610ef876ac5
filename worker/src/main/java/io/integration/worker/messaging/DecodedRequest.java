package io.integration.worker.messaging;

import io.integration.worker.execution.ExecutionRequest;

/** What a request record decodes to, besides poison (which throws). */
sealed interface DecodedRequest {

    /** The encoding the record arrived in (AVRO or JSON). */
    WireFormat format();

    /** A complete request, ready to execute. */
    record Valid(ExecutionRequest request, WireFormat format) implements DecodedRequest {
    }

    /**
     * A request with a requestId but a missing or malformed field: it is answered with VALIDATION_ERROR.
     * Fields that could not be read are null.
     */
    record Invalid(String requestId, String correlationId, String instanceId, String methodName, String replyTo,
                   String problem, WireFormat format) implements DecodedRequest {
    }
}
