package io.integration.worker.adapter;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A worker-wide budget of response-body bytes in flight ({@code worker.max.in.flight.bytes}), so that many
 * concurrent large responses cannot exhaust the heap: an adapter reserves the bytes it receives as they
 * arrive, waiting (up to its call's deadline) while the budget is spent, and the reservation is released
 * once the response has become a recorded result. Thread-safe; waits park virtual threads (a lock, not a monitor).
 */
public final class ByteBudget {

    private final long capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private long used;

    public ByteBudget(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("worker.max.in.flight.bytes: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /** A budget nothing exhausts (tests, tools). */
    public static ByteBudget unlimited() {
        return new ByteBudget(Long.MAX_VALUE);
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes reserved now. */
    public long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    /** An empty reservation to grow as bytes arrive. */
    public Reservation open() {
        return new Reservation();
    }

    /** Bytes held by one response; release it exactly once (further releases do nothing). */
    public final class Reservation {
        private long bytes;
        private boolean released;

        private Reservation() {
        }

        /**
         * Adds {@code more} bytes, waiting until {@code deadlineNanos} ({@link System#nanoTime()}) while the budget is
         * spent. False when the bytes could not be had in time, or never could (more than the whole budget).
         */
        public boolean grow(long more, long deadlineNanos) throws InterruptedException {
            lock.lock();
            try {
                if (released || more > capacity - bytes) {
                    return false;
                }
                while (used + more > capacity) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    freed.await(left, TimeUnit.NANOSECONDS);
                    if (released) {
                        // Released while waiting (the call gave up): its own bytes were just freed, and taking them
                        // now would hold them for good, since a released reservation gives nothing back again.
                        return false;
                    }
                }
                used += more;
                bytes += more;
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Adds {@code more} bytes if the budget has them now; false otherwise (then {@link #grow} may wait for them). */
        public boolean tryGrow(long more) {
            lock.lock();
            try {
                if (released || used + more > capacity) {
                    return false;
                }
                used += more;
                bytes += more;
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Bytes held. */
        public long bytes() {
            return bytes;
        }

        /** Gives the bytes back. */
        public void release() {
            lock.lock();
            try {
                if (!released) {
                    released = true;
                    used -= bytes;
                    freed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
