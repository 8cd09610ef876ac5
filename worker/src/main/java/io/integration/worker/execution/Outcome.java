package io.integration.worker.execution;

import static java.util.Objects.requireNonNull;

/** How a request ended: with data, or with an error. */
public sealed interface Outcome {

    /**
     * @param data the response as JSON text, {@code null} when the system answered without a body or when the data
     *     is kept elsewhere
     * @param dataRef where the data is kept instead (the claim check), or null
     * @param served how the data was answered without this request's call (cache, fallback), or null: the call answered
     */
    record Success(String data, DataReference dataRef, Served served) implements Outcome {
        public Success(String data) {
            this(data, null, null);
        }

        public Success(String data, DataReference dataRef) {
            this(data, dataRef, null);
        }

        public Success withServed(Served how) {
            return new Success(data, dataRef, how);
        }
    }

    /**
     * An answer that did not come from this request's call.
     *
     * @param ageMs for CACHE and STALE_CACHE: the cached answer's age, else null
     * @param reason for a fallback: the failure it answers for, else null
     */
    record Served(Source from, Long ageMs, String reason) {
        public enum Source {
            /** A cached answer within the method's {@code cache.ttl}: no call was made. */
            CACHE,
            /** The {@code stale} fallback: a cached answer older than the ttl, within {@code cache.maxStale}. */
            STALE_CACHE,
            /** The {@code static} fallback: the method's {@code fallbackValue}. */
            FALLBACK
        }

        public Served {
            requireNonNull(from, "from");
        }

        public boolean fallback() {
            return from != Source.CACHE;
        }
    }

    /** Where the data of a large result is kept: {@code store} ({@code mongodb:<collection>}) under {@code id}. */
    record DataReference(String store, String id, long sizeBytes, String sha256) {
        public DataReference {
            requireNonNull(store, "store");
            requireNonNull(id, "id");
            requireNonNull(sha256, "sha256");
        }
    }

    /**
     * @param retryAfterMs when retryable: the wait the system asked for, or null
     * @param details structured details as JSON text (e.g. {@code {"httpStatus":500}}), or null
     */
    record Failure(ErrorCode code, String message, boolean retryable, Long retryAfterMs, String details) implements Outcome {
        public Failure {
            requireNonNull(code, "code");
            requireNonNull(message, "message");
        }

        public static Failure of(ErrorCode code, String message) {
            return new Failure(code, message, false, null, null);
        }
    }
}
