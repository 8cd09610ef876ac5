package io.integration.worker.execution;

/**
 * Asked right before each call to the external system: may this worker still act for the request? A worker
 * that was stopped (SIGSTOP, a long GC, a frozen VM) past its session timeout has lost its partitions without
 * knowing it yet; its next call could reach the system after the new owner's later calls of the same
 * ordering key. Implementations may wait until they know.
 */
@FunctionalInterface
public interface Ownership {

    /** For callers outside a consumer group (tests, tools). */
    Ownership ASSUMED = () -> true;

    /** False when the request now belongs to another worker: the call must not be made. */
    boolean confirmed();
}
