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
    void aGetOnAKeptAliveConnectionTheServerClosedIsSentOnceMoreAndAPostIsNot() throws Exception {
        // A server that answers the first request of each connection and closes the connection on the next one without
        // answering, as a server does that closes a kept-alive connection just as the client reuses it.
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket socket = server.accept();
                        Thread.ofVirtual().start(() -> serveOnce(socket, answered, dropped));
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            HttpTransport jetty = HttpTransport.of("jetty", Duration.ofSeconds(2), new OutboundPolicy(true));
            URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/x");

            for (int n = 0; n < 3; n++) {
                assertThat(send(jetty, "GET", uri).get(5, TimeUnit.SECONDS).status()).as("GET %d", n).isEqualTo(200);
            }
            assertThat(dropped.get()).as("GETs that found their connection closed, and were sent again").isEqualTo(2);
            assertThat(send(jetty, "POST", uri)).as("a POST is not sent twice").failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(java.io.EOFException.class);
            assertThat(answered.get()).as("answers: the three GETs").isEqualTo(3);
        }
    }

    private static void serveOnce(java.net.Socket socket, java.util.concurrent.atomic.AtomicInteger answered,
                                  java.util.concurrent.atomic.AtomicInteger dropped) {
        try (socket) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
            for (int request = 0; ; request++) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                while (line != null && !line.isEmpty()) {
                    line = in.readLine(); // the rest of the request's head (no bodies here)
                }
                if (request > 0) {
                    dropped.incrementAndGet();
                    return; // closed without an answer
                }
                answered.incrementAndGet();
                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            }
        } catch (java.io.IOException e) {
            // the client went away
        }
    }

    private static java.util.concurrent.CompletableFuture<HttpTransport.Answer> send(HttpTransport transport, String verb, URI uri) {
        return transport.send(new HttpTransport.Outgoing(verb, uri, HttpTransport.Outgoing.newHeaders(), verb.equals("POST") ? new byte[0] : null,
                Duration.ofSeconds(2)), () -> new CappedBody(1000, ByteBudget.unlimited(), System.nanoTime() + TimeUnit.SECONDS.toNanos(2)));
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
