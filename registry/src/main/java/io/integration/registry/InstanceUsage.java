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
import java.util.concurrent.atomic.AtomicLong;
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
    /** Epoch millis of the last use not written yet (0: none), per instance used since start; bounded by the instances. */
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
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
        // A lock-free read and, at most once per millisecond and instance, a compare-and-set: every request passes here.
        AtomicLong at = pending.get(instanceId);
        if (at == null) {
            at = pending.computeIfAbsent(instanceId, id -> new AtomicLong());
        }
        long now = clock.millis();
        if (at.get() < now) {
            at.accumulateAndGet(now, Math::max);
        }
    }

    /** Writes what was recorded since the last flush. */
    public void flush() {
        Map<String, Instant> batch = new HashMap<>();
        pending.forEach((id, at) -> {
            long millis = at.getAndSet(0);
            if (millis > 0) {
                batch.put(id, Instant.ofEpochMilli(millis));
            }
        });
        if (batch.isEmpty()) {
            return;
        }
        try {
            instances.touch(batch);
        } catch (RuntimeException e) {
            batch.forEach((id, at) -> pending.get(id).accumulateAndGet(at.toEpochMilli(), Math::max));
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
