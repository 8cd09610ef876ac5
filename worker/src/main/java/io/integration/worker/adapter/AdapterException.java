package io.integration.worker.adapter;

import java.time.Duration;
import java.util.Optional;

/**
 * Why a call did not succeed, decided once at the adapter edge. The subtypes are closed so the
 * execution layer maps each to an error code with an exhaustive switch. Messages never contain secrets.
 */
public abstract sealed class AdapterException extends Exception {

    private final boolean retriable;

    private AdapterException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    /** Whether the same call may succeed if tried again later. */
    public boolean retriable() {
        return retriable;
    }

    /** The external system answered with a non-success status. 5xx, 408 and 429 are retriable. */
    public static final class UpstreamStatus extends AdapterException {
        private final int status;
        private final Duration retryAfter;

        public UpstreamStatus(String message, int status, Duration retryAfter) {
            super(message, status >= 500 || status == 408 || status == 429, null);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        public int status() {
            return status;
        }

        /** The wait the system asked for (Retry-After), if any. */
        public Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }

    /**
     * The external system answered that the call failed in its own protocol rather than with a status (a JSON-RPC
     * {@code error} object, a SOAP fault); the adapter decides whether it is retriable.
     */
    public static final class UpstreamError extends AdapterException {
        private final String code;

        /** {@code code}: the protocol's error code as text, shown in the result's details (never a secret), or null. */
        public UpstreamError(String message, String code, boolean retriable) {
            super(message, retriable, null);
            this.code = code;
        }

        /** The protocol's error code, if it gave one. */
        public Optional<String> code() {
            return Optional.ofNullable(code);
        }
    }

    /** No complete answer arrived within the call's timeout. Retriable. */
    public static final class Timeout extends AdapterException {
        public Timeout(String message) {
            super(message, true, null);
        }
    }

    /** The system could not be reached (DNS, connect, reset). Retriable. */
    public static final class Unreachable extends AdapterException {
        public Unreachable(String message, Throwable cause) {
            super(message, true, cause);
        }
    }

    /** The answer's body exceeded the call's cap. Permanent. */
    public static final class ResponseTooLarge extends AdapterException {
        public ResponseTooLarge(String message) {
            super(message, false, null);
        }
    }

    /** The destination is not an allowed host, or resolves to a forbidden address. Permanent. */
    public static final class DestinationNotAllowed extends AdapterException {
        public DestinationNotAllowed(String message) {
            super(message, false, null);
        }
    }

    /** The call cannot be built from the method binding and params (missing placeholder, bad binding). Permanent. */
    public static final class InvalidCall extends AdapterException {
        public InvalidCall(String message) {
            super(message, false, null);
        }
    }
}
