package io.integration.worker.resilience;

import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterResponse;
import java.time.Duration;
import java.util.List;

/** How a guarded call ended, with every attempt made. */
public sealed interface Guarded {

    List<Attempt> trail();

    /** The system answered successfully. */
    record Answered(AdapterResponse response, List<Attempt> trail) implements Guarded {
    }

    /**
     * The last attempt failed and no further one will be made (permanent failure, attempts used up, or the
     * next wait would pass the request's deadline).
     *
     * @param deadlineBound whether the last attempt's timeout was cut short by the request's deadline
     */
    record Failed(AdapterException failure, boolean deadlineBound, List<Attempt> trail) implements Guarded {
    }

    /**
     * The instance is held (its own {@code Retry-After}) or out of rate budget for longer than the worker
     * waits or than the request's deadline allows: no call was made.
     */
    record RateLimited(String instanceId, java.time.Duration retryAfter, List<Attempt> trail) implements Guarded {
    }

    /**
     * The circuit of {@code scope} is open (or half-open with its probes taken): no call was let through.
     * {@code retryAfter} is when it lets calls through again, as far as the breaker knows.
     */
    record CircuitOpen(Scope scope, Duration retryAfter, List<Attempt> trail) implements Guarded {
    }
}
