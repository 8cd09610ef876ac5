package io.integration.worker.adapter;

import static java.util.Objects.requireNonNull;

import java.time.Clock;

/**
 * What the worker gives every adapter it creates.
 *
 * @param responseBudget the worker-wide budget of response bytes in flight: adapters reserve what they receive
 * @param httpClient     which HTTP client the HTTP-based adapters use ({@code http.client}: {@code jdk} or {@code jetty})
 */
public record AdapterContext(OutboundPolicy outboundPolicy, Clock clock, ByteBudget responseBudget, String httpClient) {

    /** The HTTP client when {@code http.client} is not set. */
    public static final String DEFAULT_HTTP_CLIENT = "jetty";

    public AdapterContext {
        requireNonNull(outboundPolicy, "outboundPolicy");
        requireNonNull(clock, "clock");
        requireNonNull(responseBudget, "responseBudget");
        requireNonNull(httpClient, "httpClient");
    }

    /** A context with the default HTTP client. */
    public AdapterContext(OutboundPolicy outboundPolicy, Clock clock, ByteBudget responseBudget) {
        this(outboundPolicy, clock, responseBudget, DEFAULT_HTTP_CLIENT);
    }

    /** A context without a byte budget (tests, tools). */
    public AdapterContext(OutboundPolicy outboundPolicy, Clock clock) {
        this(outboundPolicy, clock, ByteBudget.unlimited());
    }
}
