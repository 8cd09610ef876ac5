package io.integration.worker.execution;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Terminal results by request id: the record that makes outcomes effectively-once. A request whose
 * result is recorded is answered from here without calling the external system again. Thread-safe.
 * Infrastructure failures throw {@link io.integration.registry.store.StoreUnavailableException}.
 */
public interface ResultLog {

    Optional<ExecutionResult> find(String requestId);

    /** The recorded results of {@code requestIds}, by request id (ids without one are absent); one round trip where the store allows. */
    default Map<String, ExecutionResult> findAll(Collection<String> requestIds) {
        Map<String, ExecutionResult> found = new java.util.HashMap<>();
        for (String id : new java.util.LinkedHashSet<>(requestIds)) {
            find(id).ifPresent(r -> found.put(id, r));
        }
        return found;
    }

    /** What {@link #reopen} did. */
    enum Reopening {
        /**
         * The replay may run the request: the recorded result is kept aside (the request's history) and marked as reopened by
         * it; until the replay records its own result, every other delivery is still answered with the recorded one.
         */
        REOPENED,
        /**
         * The call had succeeded and only its publication had been replaced by an error ({@code REPLY_TO_NOT_ALLOWED},
         * {@code RESULT_TOO_LARGE}); the success is the recorded result again, to be published once more, without a call.
         */
        RESTORED,
        /** Nothing changed: the recorded result is no longer {@code recorded}, or another replay reopened it. */
        CHANGED
    }

    /**
     * Makes way for {@code replay} to execute a request again, on condition that {@code recorded} is still the request's
     * recorded result and no other replay reopened it; a {@link #recordIfAbsent} of a result of {@code replay} then replaces
     * it. A success replaced at publication is restored instead unless the replay is forced.
     */
    Reopening reopen(ExecutionResult recorded, ExecutionRequest.Replay replay);

    /**
     * Records {@code result} unless one is already recorded for its request id, and returns the recorded
     * one (the given result, or the earlier one that won).
     */
    ExecutionResult recordIfAbsent(ExecutionResult result);

    /**
     * Records that {@code published}, the recorded result of its request, could not be published as it was and is answered
     * with {@code failure} instead, on the default results topic; from then on {@link #find} returns the substitute, so a
     * redelivery publishes the same answer. The first substitute recorded wins, and only while {@code published} is still
     * the recorded result (a replay's newer result is never marked with an older one's failure). Returns the result
     * recorded now, or empty when none is recorded for the id.
     */
    Optional<ExecutionResult> substitute(ExecutionResult published, Outcome.Failure failure);
}
