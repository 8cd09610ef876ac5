package io.integration.worker.execution;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One bulkhead per integration instance: at most {@code limit} calls of an instance in flight in this worker, so that one
 * busy or slow instance cannot take every call slot (and, HTTP/1.1 being one call per connection, every connection) from
 * the others. One bulkhead per instance whatever its definition version: a new limit resizes it, calls in flight keep
 * their slots. Thread-safe.
 */
public final class Bulkheads {

    /** A held slot; released once, whatever happens. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** An instance's bulkhead: its slots and their number, resized in place when the limit changes. */
    public static final class Bulkhead {
        private final Slots slots;
        /** Requests waiting for a slot now: at most {@link #WAITERS_PER_SLOT} per slot, so waiters cannot take every worker slot. */
        private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
        /** Written under the bulkhead's lock (resize); read without it on every request. */
        private volatile int limit;

        private Bulkhead(int limit) {
            this.limit = limit;
            this.slots = new Slots(limit);
        }

        private synchronized void resize(int newLimit) {
            if (newLimit > limit) {
                slots.release(newLimit - limit);
            } else if (newLimit < limit) {
                slots.reducePermits(limit - newLimit);
            }
            limit = newLimit;
        }

        public int limit() {
            return limit;
        }

        /** Requests waiting for a slot now. */
        public int waiting() {
            return waiting.get();
        }

        /** Calls holding a slot now (slots given back by a shrink not yet taken count as in use until released). */
        public synchronized int inUse() {
            return Math.max(0, limit - slots.availablePermits());
        }
    }

    /** A semaphore whose permits can also be taken away (a smaller limit), in effect as calls give theirs back. */
    private static final class Slots extends Semaphore {
        Slots(int permits) {
            super(permits);
        }

        @Override
        protected void reducePermits(int reduction) {
            super.reducePermits(reduction);
        }
    }

    /**
     * How many requests may wait per slot of a bulkhead; beyond, they go to the retry topic at once. Four: a burst of a few
     * times the limit queues in the worker (the default limit, 256, then never defers below the worker's 1,024 requests in
     * flight), a small limit cannot hold more than four times its size of the worker's slots.
     */
    static final int WAITERS_PER_SLOT = 4;

    private final int defaultLimit;
    private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();
    private final BiConsumer<String, Bulkhead> created;

    /**
     * @param defaultLimit the limit of an instance whose definition sets none
     * @param created told of each instance's bulkhead when it is first needed, e.g. to expose its use as a metric
     */
    public Bulkheads(int defaultLimit, BiConsumer<String, Bulkhead> created) {
        this.defaultLimit = defaultLimit;
        this.created = created;
    }

    /** Unlimited: every call goes at once (tests, connection tests). */
    public static Bulkheads none() {
        return new Bulkheads(Integer.MAX_VALUE, (instance, bulkhead) -> { });
    }

    /**
     * A slot of {@code instanceId}'s bulkhead, sized {@code limit} (the default when null), waiting at most {@code wait};
     * null when none came free in time.
     */
    public Permit acquire(String instanceId, Integer limit, Duration wait) throws InterruptedException {
        int max = limit != null ? limit : defaultLimit;
        Bulkhead bulkhead = bulkheads.computeIfAbsent(instanceId, id -> {
            Bulkhead fresh = new Bulkhead(max);
            created.accept(id, fresh);
            return fresh;
        });
        if (bulkhead.limit() != max) {
            bulkhead.resize(max);
        }
        if (!bulkhead.slots.tryAcquire()) {
            // Wait for a slot only while few enough requests wait: a waiting request keeps one of the worker's own request
            // slots, and a burst far above a small limit would take them all from other instances.
            if (wait.isZero() || wait.isNegative() || bulkhead.waiting.incrementAndGet() > (long) WAITERS_PER_SLOT * max) {
                if (!wait.isZero() && !wait.isNegative()) {
                    bulkhead.waiting.decrementAndGet();
                }
                return null;
            }
            try {
                if (!bulkhead.slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
            } finally {
                bulkhead.waiting.decrementAndGet();
            }
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                bulkhead.slots.release();
            }
        };
    }

    /** The limit an instance gets when its definition sets none. */
    public int defaultLimit() {
        return defaultLimit;
    }
}
