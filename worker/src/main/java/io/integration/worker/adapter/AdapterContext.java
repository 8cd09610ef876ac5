package io.integration.worker.adapter;

import static java.util.Objects.requireNonNull;

import java.time.Clock;

/** What the worker gives every adapter it creates. */
public record AdapterContext(OutboundPolicy outboundPolicy, Clock clock) {
    public AdapterContext {
        requireNonNull(outboundPolicy, "outboundPolicy");
        requireNonNull(clock, "clock");
    }
}
