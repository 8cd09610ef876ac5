package io.integration.worker.resilience;

/** Told when an instance's circuit opens or closes; called on the thread of the call that changed it, must not block long. */
@FunctionalInterface
public interface BreakerListener {

    BreakerListener NONE = (instanceId, open) -> { };

    void changed(String instanceId, boolean open);
}
