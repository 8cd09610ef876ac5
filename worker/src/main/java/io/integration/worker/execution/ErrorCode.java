package io.integration.worker.execution;

/** The result error codes of DESIGN.md. */
public enum ErrorCode {
    VALIDATION_ERROR,
    INSTANCE_NOT_FOUND,
    DEFINITION_NOT_FOUND,
    METHOD_NOT_FOUND,
    CREDENTIALS_MISSING,
    AUTH_FAILED,
    NEEDS_REAUTH,
    RATE_LIMIT_EXCEEDED,
    CIRCUIT_OPEN,
    TIMEOUT,
    DEADLINE_EXCEEDED,
    UPSTREAM_ERROR,
    INVALID_RESPONSE,
    RESPONSE_TOO_LARGE,
    /** The call succeeded but its result cannot be published (larger than the producer's {@code max.request.size}). */
    RESULT_TOO_LARGE,
    /** The request's {@code replyTo} is not an allowed reply topic, or cannot be written. */
    REPLY_TO_NOT_ALLOWED,
    DESTINATION_NOT_ALLOWED,
    TRANSFORM_ERROR,
    EXECUTION_ERROR
}
