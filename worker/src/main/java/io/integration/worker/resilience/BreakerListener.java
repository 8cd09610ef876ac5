package io.integration.worker.resilience;

/** Told when a circuit opens or closes; called on the thread of the call that changed it, must not block long. */
@FunctionalInterface
public interface BreakerListener {

    BreakerListener NONE = (scope, open) -> { };

    void changed(Scope scope, boolean open);
}
