package io.integration.worker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.ByteBudget;
import io.integration.worker.adapter.OutboundPolicy;
import io.integration.worker.adapter.PinningResolverProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What Jetty's client does on its own schedule, beyond the adapter's checks (which both clients pass, HttpAdapterTest). */
class JettyTransportTest {

    @AfterEach
    void forget() {
        PinningResolverProvider.simulate("rebound.example.test");
    }

    @Test
    void aConnectionToANameReboundToARefusedAddressIsNotOpened() throws Exception {
        // No call holds a pin for the name (its call is over): Jetty resolves it afresh when it opens a connection, and
        // the answer is now loopback. The connection is refused before it is made.
        OutboundPolicy strict = new OutboundPolicy(false, List.of(), Set.of(8080), Map.of());
        PinningResolverProvider.simulate("rebound.example.test", "127.0.0.1");
        HttpTransport jetty = HttpTransport.of("jetty", Duration.ofSeconds(2), strict);

        var answer = jetty.send(new HttpTransport.Outgoing("GET", URI.create("http://rebound.example.test:8080/x"),
                HttpTransport.Outgoing.newHeaders(), null, Duration.ofSeconds(2)),
                () -> new CappedBody(1000, ByteBudget.unlimited(), System.nanoTime() + TimeUnit.SECONDS.toNanos(2)));

        assertThat(answer).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(AdapterException.DestinationNotAllowed.class)
                .withMessageContaining("resolves to 127.0.0.1");
    }
}
