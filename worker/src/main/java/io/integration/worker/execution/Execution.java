package io.integration.worker.execution;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** What executing a request led to: a terminal result, or a deferral to a later time. */
public sealed interface Execution {

    /** The request ended; the result is recorded. */
    record Finished(ExecutionResult result) implements Execution {
        public Finished {
            requireNonNull(result, "result");
        }
    }

    /**
     * The instance cannot take the call before {@code notBefore} (a long {@code Retry-After} or rate budget)
     * and the request's deadline allows waiting: it is handed back to be run again then, without holding a
     * worker slot meanwhile. Nothing is recorded.
     *
     * @param attempts calls made so far, carried to the next run
     */
    record Deferred(Instant notBefore, int attempts, String reason) implements Execution {
        public Deferred {
            requireNonNull(notBefore, "notBefore");
            requireNonNull(reason, "reason");
        }
    }
}
