package io.integration.registry.service;

/**
 * Runs one method of an instance against its external system, the way a worker would (same adapter, credentials,
 * outbound rules and resilience), and says how it went. Implemented where the execution engine lives.
 */
@FunctionalInterface
public interface ConnectionTester {

    /** Calls {@code method} of {@code instanceId} with empty params. Never throws for a failed call: that is the outcome. */
    TestOutcome test(String instanceId, String method);

    /**
     * How a test call went.
     *
     * @param ok whether the external system answered successfully
     * @param errorCode the result error code (DESIGN.md) when not ok, e.g. {@code AUTH_FAILED}
     * @param message what happened, without secrets
     * @param durationMs time the call took
     */
    record TestOutcome(boolean ok, String errorCode, String message, long durationMs) {
    }
}
