package io.integration.worker.resilience;

import static java.util.Objects.requireNonNull;

/**
 * What a circuit breaker or a rate limiter guards: an integration instance, or one method of it when the
 * definition gives that method its own {@code circuitBreaker} or {@code rateLimit} settings.
 *
 * @param methodName null for the whole instance
 */
public record Scope(String instanceId, String methodName) {

    public Scope {
        requireNonNull(instanceId, "instanceId");
    }

    public static Scope instance(String instanceId) {
        return new Scope(instanceId, null);
    }

    public static Scope method(String instanceId, String methodName) {
        return new Scope(instanceId, requireNonNull(methodName, "methodName"));
    }

    /** A key unique per scope: {@code instance} or {@code instance#method}. */
    String key() {
        return methodName == null ? instanceId : instanceId + "#" + methodName;
    }

    /** For messages: {@code integration instance 'x'} or {@code method 'm' of integration instance 'x'}. */
    public String describe() {
        return (methodName == null ? "" : "method '" + methodName + "' of ") + "integration instance '" + instanceId + "'";
    }
}
