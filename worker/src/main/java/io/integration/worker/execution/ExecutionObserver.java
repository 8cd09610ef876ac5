package io.integration.worker.execution;

import java.time.Duration;
import java.util.List;

/**
 * What the executor tells about each request it ran, for metrics: labels are bounded (the integration and method are
 * {@code unknown} unless the registry knows them; the outcome is {@code SUCCESS}, an error code or {@code DEFERRED}).
 * Called on the request's thread; implementations are thread-safe and never throw.
 */
public interface ExecutionObserver {

    /** A request ran to a result ({@code outcome}: SUCCESS or its error code), after {@code trail}'s calls. */
    void finished(String integration, String method, String outcome, Duration took, List<AttemptRecord> trail);

    /** A request was deferred to the retry topic (rate limit, open circuit). */
    void deferred(String integration, String method);

    /** Observes nothing. */
    ExecutionObserver NONE = new ExecutionObserver() {
        @Override
        public void finished(String integration, String method, String outcome, Duration took, List<AttemptRecord> trail) {
        }

        @Override
        public void deferred(String integration, String method) {
        }
    };
}
