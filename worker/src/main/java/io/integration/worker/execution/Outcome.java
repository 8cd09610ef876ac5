package io.integration.worker.execution;

import static java.util.Objects.requireNonNull;

/** How a request ended: with data, or with an error. */
public sealed interface Outcome {

    /**
     * @param data the response as JSON text, {@code null} when the system answered without a body or when the data
     *     is kept elsewhere
     * @param dataRef where the data is kept instead (the claim check), or null
     */
    record Success(String data, DataReference dataRef) implements Outcome {
        public Success(String data) {
            this(data, null);
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
