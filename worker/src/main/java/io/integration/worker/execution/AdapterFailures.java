package io.integration.worker.execution;

import io.integration.worker.adapter.AdapterException;

/** Maps adapter failures to result error codes, exhaustively. */
final class AdapterFailures {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private AdapterFailures() {
    }

    static Outcome.Failure toFailure(AdapterException e, boolean deadlineBound) {
        return switch (e) {
            case AdapterException.UpstreamStatus s -> new Outcome.Failure(
                    s.status() == 401 ? ErrorCode.AUTH_FAILED : ErrorCode.UPSTREAM_ERROR,
                    s.getMessage(), s.retriable(), s.retryAfter().map(d -> d.toMillis()).orElse(null),
                    "{\"httpStatus\":" + s.status() + "}");
            case AdapterException.UpstreamError u -> new Outcome.Failure(ErrorCode.UPSTREAM_ERROR, u.getMessage(), u.retriable(), null,
                    u.code().map(code -> JSON.createObjectNode().put("upstreamCode", code).toString()).orElse(null));
            case AdapterException.Timeout t -> deadlineBound
                    ? new Outcome.Failure(ErrorCode.DEADLINE_EXCEEDED, t.getMessage() + " (the request's deadline)", false, null, null)
                    : new Outcome.Failure(ErrorCode.TIMEOUT, t.getMessage(), true, null, null);
            case AdapterException.Unreachable u -> new Outcome.Failure(ErrorCode.UPSTREAM_ERROR, u.getMessage(), true, null,
                    "{\"reason\":\"unreachable\"}");
            case AdapterException.ResponseTooLarge r -> new Outcome.Failure(ErrorCode.RESPONSE_TOO_LARGE, r.getMessage(), false, null, null);
            case AdapterException.DestinationNotAllowed d -> new Outcome.Failure(ErrorCode.DESTINATION_NOT_ALLOWED, d.getMessage(), false, null, null);
            case AdapterException.InvalidCall i -> new Outcome.Failure(ErrorCode.VALIDATION_ERROR, i.getMessage(), false, null, null);
        };
    }
}
