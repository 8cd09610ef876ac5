package io.integration.worker.execution;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts calls handed to adapters: how many started (after their ownership check) and how many have not returned.
 * A process frozen with calls in flight cannot take them back — they may reach their systems after the freeze — so
 * the loop says how many were exposed when it notices a stall. Thread-safe.
 */
public final class CallsInFlight {

    private final AtomicLong started = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();

    /** A call passed its ownership check and goes to its adapter. */
    public void start() {
        started.incrementAndGet();
        inFlight.incrementAndGet();
    }

    /** The adapter returned (an answer or a failure). */
    public void end() {
        inFlight.decrementAndGet();
    }

    /** Calls started so far. */
    public long started() {
        return started.get();
    }

    /** Calls started and not returned. */
    public int inFlight() {
        return inFlight.get();
    }
}
