package io.integration.worker.adapter;

import static java.util.Objects.requireNonNull;

import java.time.Clock;

/**
 * What the worker gives every adapter it creates.
 *
 * @param responseBudget the worker-wide budget of response bytes in flight: adapters reserve what they receive
 */
public record AdapterContext(OutboundPolicy outboundPolicy, Clock clock, ByteBudget responseBudget) {
    public AdapterContext {
        requireNonNull(outboundPolicy, "outboundPolicy");
        requireNonNull(clock, "clock");
        requireNonNull(responseBudget, "responseBudget");
    }

    /** A context without a byte budget (tests, tools). */
    public AdapterContext(OutboundPolicy outboundPolicy, Clock clock) {
        this(outboundPolicy, clock, ByteBudget.unlimited());
    }
}
