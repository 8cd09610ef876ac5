package io.integration.worker.execution;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One bulkhead per integration instance: at most {@code limit} calls of an instance in flight in this worker, so that one
 * busy or slow instance cannot take every call slot (and, HTTP/1.1 being one call per connection, every connection) from
 * the others. A limit changed by a new definition version takes a new bulkhead. Thread-safe.
 */
public final class Bulkheads {

    /** A held slot; released once, whatever happens. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private record Bulkhead(int limit, Semaphore slots) {
    }

    private final int defaultLimit;
    private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();
    private final BiConsumer<String, Semaphore> created;

    /**
     * @param defaultLimit the limit of an instance whose definition sets none
     * @param created told of each new bulkhead (instance id, its slots), e.g. to expose its use as a metric
     */
    public Bulkheads(int defaultLimit, BiConsumer<String, Semaphore> created) {
        this.defaultLimit = defaultLimit;
        this.created = created;
    }

    /** Unlimited: every call goes at once (tests, connection tests). */
    public static Bulkheads none() {
        return new Bulkheads(Integer.MAX_VALUE, (instance, slots) -> { });
    }

    /**
     * A slot of {@code instanceId}'s bulkhead ({@code limit}, or the default when null), waiting at most {@code wait}; null
     * when none came free in time.
     */
    public Permit acquire(String instanceId, Integer limit, Duration wait) throws InterruptedException {
        int max = limit != null ? limit : defaultLimit;
        Bulkhead bulkhead = bulkheads.compute(instanceId, (id, current) -> {
            if (current != null && current.limit() == max) {
                return current;
            }
            Bulkhead fresh = new Bulkhead(max, new Semaphore(max));
            created.accept(id, fresh.slots());
            return fresh;
        });
        if (!bulkhead.slots().tryAcquire(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS)) {
            return null;
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                bulkhead.slots().release();
            }
        };
    }

    /** The limit an instance gets when its definition sets none. */
    public int defaultLimit() {
        return defaultLimit;
    }
}
