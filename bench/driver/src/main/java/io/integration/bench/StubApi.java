package io.integration.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The external API of the benchmark: {@code GET /work/{key}/{seq}/{requestId}} answers {@code {"ok":true}}
 * after a fixed delay. Each exchange runs on a virtual thread whose delay is a timer park, so thousands of
 * calls wait at once without holding a carrier thread: the stub is not the bottleneck. It injects the
 * workload's faults (503 on the first call of a share of requests; 503 on every call during an outage),
 * counts successful calls per request id (more than one is a duplicate call) and checks that each key's
 * successful calls arrive in sequence order.
 */
final class StubApi implements AutoCloseable {

    private final HttpServer server;
    private volatile long delayMs;
    private volatile int failOncePercent;
    private volatile long outageFrom = Long.MAX_VALUE;
    private volatile long outageUntil = Long.MIN_VALUE;
    private final Map<String, AtomicInteger> callsByRequest = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> answeredByRequest = new ConcurrentHashMap<>();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, AtomicLong> lastSeqByKey = new ConcurrentHashMap<>();
    private final AtomicLong reordered = new AtomicLong();
    private final Map<String, AtomicInteger> inFlightByKey = new ConcurrentHashMap<>();
    private final AtomicLong overlapped = new AtomicLong();

    StubApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/work/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Resets the counters and sets the answer delay and faults for the next run. */
    void reset(Workload workload) {
        this.delayMs = workload.delayMs();
        this.failOncePercent = workload.failOncePercent();
        this.outageFrom = Long.MAX_VALUE;
        this.outageUntil = Long.MIN_VALUE;
        failed.set(0);
        answeredByRequest.clear();
        callsByRequest.clear();
        lastSeqByKey.clear();
        inFlightByKey.clear();
        reordered.set(0);
        overlapped.set(0);
    }

    /** Answers every call with 503 from {@code in} from now, for {@code length}. */
    void scheduleOutage(java.time.Duration in, java.time.Duration length) {
        long from = System.nanoTime() + in.toNanos();
        outageUntil = from + length.toNanos();
        outageFrom = from;
    }

    long failedCalls() {
        return failed.get();
    }

    /** Successful calls beyond the first of a request: the external system did the work twice. */
    long duplicateCalls() {
        return answeredByRequest.values().stream().mapToLong(c -> Math.max(0, c.get() - 1)).sum();
    }

    /** Per-key order violations: a successful call with a lower sequence number than one before it, or a call overlapping its key's previous one. */
    long reordered() {
        return reordered.get() + overlapped.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            // /work/{key}/{seq}/{requestId}
            String key = parts[2];
            long seq = Long.parseLong(parts[3]);
            String requestId = parts[4];
            int call = callsByRequest.computeIfAbsent(requestId, id -> new AtomicInteger()).incrementAndGet();
            AtomicInteger running = inFlightByKey.computeIfAbsent(key, k -> new AtomicInteger());
            if (running.incrementAndGet() > 1) {
                overlapped.incrementAndGet(); // a key's call arrived while its previous one was still running
            }
            long now = System.nanoTime();
            // Mixed, not hashCode() % 100: consecutive ids have consecutive hash codes, which would fail them in runs of ten.
            boolean failOnce = call == 1 && new SplittableRandom(requestId.hashCode()).nextInt(100) < failOncePercent;
            boolean fails = failOnce || (now >= outageFrom && now < outageUntil);
            if (!fails) {
                answeredByRequest.computeIfAbsent(requestId, id -> new AtomicInteger()).incrementAndGet();
                long previous = lastSeqByKey.computeIfAbsent(key, k -> new AtomicLong(-1)).getAndAccumulate(seq, Math::max);
                if (seq < previous) {
                    reordered.incrementAndGet();
                }
            }
            try {
                if (delayMs > 0) {
                    Thread.sleep(delayMs);
                }
            } finally {
                running.decrementAndGet(); // before answering: the caller may send the key's next call as soon as it has the answer
            }
            if (fails) {
                failed.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
