package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.ThreadMXBean;
import com.sun.net.httpserver.HttpServer;
import io.integration.worker.app.WorkerApp;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Bodies that are too large or too slow, and redelivery, against a streaming server of the test's own
 * (it writes 50 MiB from a 64 KiB buffer and counts what the client accepted).
 */
class LimitsIT {

    private static final int MIB = 1024 * 1024;

    private HttpServer server;
    private final AtomicLong hugeBytesWritten = new AtomicLong();
    private final AtomicInteger fineCalls = new AtomicInteger();
    private WorkerFixture fixture;
    private WorkerApp worker;

    @BeforeEach
    void setUp(TestInfo test) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/huge", exchange -> {
            byte[] chunk = new byte[64 * 1024];
            exchange.sendResponseHeaders(200, 50L * MIB);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 50 * 16; i++) {
                    out.write(chunk);
                    hugeBytesWritten.addAndGet(chunk.length);
                }
            } catch (IOException clientWentAway) {
                // expected: the worker drops the connection at the cap
            }
        });
        server.createContext("/trickle", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 60; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(1000);
                }
            } catch (IOException | InterruptedException clientWentAway) {
                // expected: the worker gives up at the deadline
            }
        });
        server.createContext("/fine", exchange -> {
            fineCalls.incrementAndGet();
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        fixture = new WorkerFixture(test.getTestMethod().orElseThrow().getName());
        fixture.seed("/limits-definition.yaml", "http://127.0.0.1:" + server.getAddress().getPort(), "lim", "k");
        worker = fixture.startWorker();
    }

    @AfterEach
    void tearDown() {
        worker.close();
        fixture.close();
        server.stop(0);
    }

    @Test
    void aFiftyMebibyteBodyEndsAsResponseTooLargeAfterReadingLittleMoreThanTheCap() {
        // Everything this JVM allocates meanwhile (broker, fixture and worker alike) bounds the worker's heap growth.
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getTotalThreadAllocatedBytes();
        fixture.sendJson("lim", WorkerFixture.request("r-huge", "lim", "huge", "{}"));

        JsonNode result = fixture.results(Set.of("r-huge"), Duration.ofSeconds(60)).get("r-huge");
        long allocated = threads.getTotalThreadAllocatedBytes() - allocatedBefore;

        assertThat(result.at("/error/code").asText()).isEqualTo("RESPONSE_TOO_LARGE");
        assertThat(result.at("/error/message").asText()).contains("exceeds 1048576 bytes");
        // The connection is dropped at the cap: the server could not push the 50 MiB (socket buffers allow a few MiB).
        assertThat(hugeBytesWritten.get()).isLessThan(20L * MIB);
        // Heap growth is at most what was allocated: well under 64 MiB (13–14 MiB measured), far from the 50 MiB body.
        assertThat(allocated).isLessThan(64L * MIB);
    }

    @Test
    void aBodyTricklingOneBytePerSecondEndsAtTheTimeout() {
        long sent = System.currentTimeMillis();
        fixture.sendJson("lim", WorkerFixture.request("r-trickle", "lim", "trickle", "{}"));

        JsonNode result = fixture.results(Set.of("r-trickle"), Duration.ofSeconds(60)).get("r-trickle");

        assertThat(result.at("/error/code").asText()).isEqualTo("TIMEOUT");
        assertThat(result.get("durationMs").asLong()).isBetween(2000L, 3000L);
        assertThat(result.get("completedAt").asLong() - sent).isLessThan(15_000L);
    }

    @Test
    void aRedeliveredRequestWithARecordedResultIsAnsweredWithoutCallingTheApiAgain() {
        String request = WorkerFixture.request("r-once", "lim", "fine", "{}");
        fixture.sendJson("lim", request);
        fixture.results(Set.of("r-once"), Duration.ofSeconds(60));

        fixture.sendJson("lim", request);

        Map<String, Long> copies = new java.util.HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (copies.getOrDefault("r-once", 0L) < 2 && System.nanoTime() < deadline) {
            copies.clear();
            fixture.read(fixture.topics.results(), 2, Duration.ofSeconds(2))
                    .forEach(r -> copies.merge(new String(r.key(), StandardCharsets.UTF_8), 1L, Long::sum));
        }
        assertThat(copies).containsEntry("r-once", 2L);
        assertThat(fineCalls.get()).isEqualTo(1);
        assertThat(fixture.read(fixture.topics.results(), 2, Duration.ofSeconds(2)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).distinct()).hasSize(1);
    }
}
