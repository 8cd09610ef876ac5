package io.integration.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records when instances were last used, writing at most once per period for all of them (DESIGN.md: hot-path
 * bookkeeping is batched, never a write per request). {@link #record} is a map put; a daemon thread flushes. A
 * failed flush keeps the times for the next one (the later time wins), so an outage loses nothing but freshness.
 * Thread-safe.
 */
public final class InstanceUsage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InstanceUsage.class);

    private final InstanceRepository instances;
    private final Clock clock;
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    public InstanceUsage(InstanceRepository instances, Duration period, Clock clock) {
        this.instances = instances;
        this.clock = clock;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("instance-usage").unstarted(r));
        flusher.scheduleWithFixedDelay(this::flush, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private InstanceUsage() {
        this.instances = null;
        this.clock = null;
        this.flusher = null;
    }

    /** Records nothing: for calls that are not traffic (a connection test). */
    public static InstanceUsage discarding() {
        return new InstanceUsage();
    }

    /** Notes that {@code instanceId} was used now. */
    public void record(String instanceId) {
        if (flusher == null) {
            return;
        }
        pending.merge(instanceId, clock.instant(), (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Writes what was recorded since the last flush. */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, Instant> batch = new HashMap<>();
        pending.keySet().forEach(id -> {
            Instant at = pending.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        });
        try {
            instances.touch(batch);
        } catch (RuntimeException e) {
            batch.forEach((id, at) -> pending.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
            log.warn("Could not record the last use of {} instances ({}); trying again at the next flush", batch.size(), e.toString());
        }
    }

    @Override
    public void close() {
        if (flusher == null) {
            return;
        }
        flusher.shutdownNow();
        flush();
    }
}
