package io.integration.topology.input;

/**
 * One fact about a request, read from the requests topic (ACCEPTED), the retry topic (DEFERRED), the results topic or a
 * method event (SUCCEEDED, FAILED).
 *
 * @param at epoch millis of the fact: the request's creation (or the record's time), the deferral, the completion
 * @param errorCode for FAILED, else null
 * @param attempts external calls so far, when known
 */
public record RequestUpdate(String requestId, Stage stage, String instanceId, String methodName, String errorCode, Integer attempts,
                            long at) {

    /** Where a request stands; a later stage is never replaced by an earlier one. */
    public enum Stage {
        ACCEPTED, DEFERRED, SUCCEEDED, FAILED;

        public boolean terminal() {
            return this == SUCCEEDED || this == FAILED;
        }
    }
}
