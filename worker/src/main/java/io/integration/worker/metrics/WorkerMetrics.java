package io.integration.worker.metrics;

import io.integration.worker.execution.AttemptRecord;
import io.integration.worker.execution.ExecutionObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every metric the worker publishes, in one place (docs/operations.md lists them). Labels are bounded: integration
 * and method names come from the registry ({@code unknown} otherwise), outcomes are error codes, statuses are classes
 * ({@code 2xx}, {@code timeout}); never a request id, a URL or an instance's config. Thread-safe.
 */
public final class WorkerMetrics implements ExecutionObserver, AutoCloseable {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> circuits = new ConcurrentHashMap<>();
    private final List<AutoCloseable> binders = new java.util.concurrent.CopyOnWriteArrayList<>();

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Known label values are there from the start, at 0: a dashboard or an alert sees the series before traffic.
        for (String output : List.of("result", "reply", "event", "dead_letter", "retry")) {
            published(output, 0);
        }
        for (String outcome : List.of("refreshed", "refused")) {
            refreshes(outcome).increment(0);
        }
    }

    /** The registry the metrics are in (the scrape endpoint reads it; binders add to it). */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void finished(String integration, String method, String outcome, Duration took, List<AttemptRecord> trail) {
        Timer.builder("integration.requests").description("Requests run to a result, by integration, method and outcome")
                .tags("integration", integration, "method", method, "outcome", outcome).register(registry).record(took);
        if (!trail.isEmpty()) {
            Counter.builder("integration.attempts").description("Calls made to external systems, retries included")
                    .tags("integration", integration, "method", method).register(registry).increment(trail.size());
        }
        for (AttemptRecord attempt : trail) {
            Timer.builder("integration.external.calls").description("Calls to external systems, by status class")
                    .tags("integration", integration, "status", statusClass(attempt)).register(registry)
                    .record(Duration.ofMillis(attempt.durationMs()));
            if (attempt.waitMs() > 0) {
                Timer.builder("integration.retry.waits").description("Waits between attempts (backoff, Retry-After)")
                        .tags("integration", integration).register(registry).record(Duration.ofMillis(attempt.waitMs()));
            }
        }
    }

    @Override
    public void deferred(String integration, String method) {
        Counter.builder("integration.deferrals").description("Requests deferred to the retry topic (rate limit, open circuit)")
                .tags("integration", integration, "method", method).register(registry).increment();
    }

    /** Binds {@code binder} (a Kafka client's metrics) to the registry until {@link #close()}. */
    public <B extends io.micrometer.core.instrument.binder.MeterBinder & AutoCloseable> void bind(B binder) {
        binder.bindTo(registry);
        binders.add(binder);
    }

    /** Stops the binders (their threads hold the clients they measure). */
    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                // closing at shutdown: nothing left to do about it
            }
        }
        binders.clear();
    }

    /** The circuit of an instance ({@code method} {@code *}) or of one method with its own breaker opened or closed. */
    public void circuit(String instance, String method, boolean open) {
        circuits.computeIfAbsent(instance + "#" + method, key -> {
            AtomicInteger state = new AtomicInteger();
            Gauge.builder("integration.circuit.open", state, AtomicInteger::get).description("1 while the circuit is open")
                    .tags("instance", instance, "method", method).register(registry);
            return state;
        }).set(open ? 1 : 0);
    }

    /** A record was acknowledged by the cluster on one of the worker's outputs: result, reply, event, dead_letter or retry. */
    public void published(String output) {
        published(output, 1);
    }

    private void published(String output, int count) {
        Counter.builder("integration.records.published").description("Records acknowledged on the worker's outputs")
                .tag("output", output).register(registry).increment(count);
    }

    /** An OAuth2 token was refreshed ({@code refreshed}) or its refresh refused for good ({@code refused}). */
    public void tokenRefresh(String outcome) {
        refreshes(outcome).increment();
    }

    private Counter refreshes(String outcome) {
        return Counter.builder("integration.token.refreshes").description("OAuth2 token refreshes, by outcome").tag("outcome", outcome)
                .register(registry);
    }

    /** The loop's state, read when scraped: records unfinished, partitions paused, calls in flight. */
    public void loop(Supplier<Number> recordsInFlight, Supplier<Number> pausedPartitions, Supplier<Number> callsInFlight) {
        gauge("integration.records.in.flight", "Records polled and not yet committed", recordsInFlight);
        gauge("integration.partitions.paused", "Assigned partitions whose fetching is paused", pausedPartitions);
        gauge("integration.calls.in.flight", "Calls handed to adapters and not returned", callsInFlight);
    }

    /** A registry cache's lookups, by result ({@code hit}, {@code miss}), read when scraped. */
    public <T> void cache(String cache, T stats, ToDoubleFunction<T> hits, ToDoubleFunction<T> misses) {
        FunctionCounter.builder("integration.registry.cache", stats, hits).description("Registry cache lookups")
                .tags("cache", cache, "result", "hit").register(registry);
        FunctionCounter.builder("integration.registry.cache", stats, misses).description("Registry cache lookups")
                .tags("cache", cache, "result", "miss").register(registry);
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    private static String statusClass(AttemptRecord attempt) {
        if (attempt.httpStatus() != null) {
            return (attempt.httpStatus() / 100) + "xx";
        }
        return attempt.outcome() == null ? "unknown" : attempt.outcome().toLowerCase(Locale.ROOT);
    }
}
