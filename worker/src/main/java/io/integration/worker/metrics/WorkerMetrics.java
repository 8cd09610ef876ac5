package io.integration.worker.metrics;

import io.integration.worker.execution.AttemptRecord;
import io.integration.worker.execution.ExecutionObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
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
    // Each metric described once; the providers make (or find) the meter of a tag set.
    private final Meter.MeterProvider<Timer> requests;
    private final Meter.MeterProvider<Counter> attempts;
    private final Meter.MeterProvider<Timer> externalCalls;
    private final Meter.MeterProvider<Timer> retryWaits;
    private final Meter.MeterProvider<Counter> deferrals;
    private final Meter.MeterProvider<Counter> published;
    private final Meter.MeterProvider<Counter> refreshes;
    /**
     * The meters of the per-request path, by their tag values: a record key and one map lookup instead of building and
     * sorting tags and an id per request. Bounded like the tags themselves (definitions, methods, outcomes, outputs).
     */
    private final Map<RequestTags, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Map<CallTags, Timer> callTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> publishedCounters = new ConcurrentHashMap<>();
    private final Map<CallTags, Counter> attemptCounters = new ConcurrentHashMap<>();

    private record RequestTags(String integration, String method, String outcome) {
    }

    /** Two tag values: the integration and a call's status class (or, for attempts, the method). */
    private record CallTags(String integration, String status) {
    }

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        requests = Timer.builder("integration.requests").description("Requests run to a result, by integration, method and outcome")
                .withRegistry(registry);
        attempts = Counter.builder("integration.attempts").description("Calls made to external systems, retries included")
                .withRegistry(registry);
        externalCalls = Timer.builder("integration.external.calls").description("Calls to external systems, by status class")
                .withRegistry(registry);
        retryWaits = Timer.builder("integration.retry.waits").description("Waits between attempts (backoff, Retry-After)")
                .withRegistry(registry);
        deferrals = Counter.builder("integration.deferrals").description("Requests deferred to the retry topic (rate limit, open circuit)")
                .withRegistry(registry);
        published = Counter.builder("integration.records.published").description("Records acknowledged on the worker's outputs")
                .withRegistry(registry);
        refreshes = Counter.builder("integration.token.refreshes").description("OAuth2 token refreshes, by outcome").withRegistry(registry);
        // Known label values are there from the start, at 0: a dashboard or an alert sees the series before traffic.
        for (String output : List.of("result", "reply", "event", "dead_letter", "retry")) {
            published.withTags("output", output).increment(0);
        }
        for (String outcome : List.of("refreshed", "refused")) {
            refreshes.withTags("outcome", outcome).increment(0);
        }
    }

    /** The registry the metrics are in (the scrape endpoint reads it; binders add to it). */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void finished(String integration, String method, String outcome, Duration took, List<AttemptRecord> trail) {
        requestTimers.computeIfAbsent(new RequestTags(integration, method, outcome),
                t -> requests.withTags("integration", t.integration(), "method", t.method(), "outcome", t.outcome())).record(took);
        if (!trail.isEmpty()) {
            attemptCounters.computeIfAbsent(new CallTags(integration, method),
                    t -> attempts.withTags("integration", t.integration(), "method", t.status())).increment(trail.size());
        }
        for (int i = 0; i < trail.size(); i++) {
            AttemptRecord attempt = trail.get(i);
            callTimers.computeIfAbsent(new CallTags(integration, statusClass(attempt)),
                    t -> externalCalls.withTags("integration", t.integration(), "status", t.status())).record(Duration.ofMillis(attempt.durationMs()));
            if (i < trail.size() - 1) {
                // Every attempt but the last was followed by a wait, 0 ms included (full jitter may draw 0): the
                // count is the number of retries, whatever the waits drew.
                retryWaits.withTags("integration", integration).record(Duration.ofMillis(attempt.waitMs()));
            }
        }
    }

    @Override
    public void deferred(String integration, String method) {
        deferrals.withTags("integration", integration, "method", method).increment();
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
                    .tags("integration_instance", instance, "method", method).register(registry);
            return state;
        }).set(open ? 1 : 0);
    }

    /** The response cache's size: its entries and the bytes they hold. */
    public void responseCache(java.util.function.Supplier<Number> entries, java.util.function.Supplier<Number> bytes) {
        Gauge.builder("integration.response.cache.entries", entries).description("Answers in the response cache").register(registry);
        Gauge.builder("integration.response.cache.bytes", bytes).description("Bytes the response cache holds (UTF-16 estimate)")
                .baseUnit("bytes").register(registry);
    }

    /**
     * An instance's bulkhead: its calls in flight and its limit as gauges, labelled by instance (operators name instances:
     * the label stays bounded).
     */
    public void bulkhead(String instance, io.integration.worker.execution.Bulkheads.Bulkhead bulkhead) {
        Gauge.builder("integration.instance.calls.in.flight", bulkhead, io.integration.worker.execution.Bulkheads.Bulkhead::inUse)
                .description("Calls of the instance in flight in this worker").tags("integration_instance", instance).register(registry);
        Gauge.builder("integration.instance.calls.limit", bulkhead, io.integration.worker.execution.Bulkheads.Bulkhead::limit)
                .description("The instance's bulkhead: calls it may have in flight in this worker").tags("integration_instance", instance)
                .register(registry);
    }

    /** A record was acknowledged by the cluster on one of the worker's outputs: result, reply, event, dead_letter or retry. */
    public void published(String output) {
        publishedCounters.computeIfAbsent(output, o -> published.withTags("output", o)).increment();
    }

    /** An OAuth2 token was refreshed ({@code refreshed}) or its refresh refused for good ({@code refused}). */
    public void tokenRefresh(String outcome) {
        refreshes.withTags("outcome", outcome).increment();
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
