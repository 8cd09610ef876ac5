package io.integration.worker.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Turns concurrent single-item store operations into batches, without a timer: a caller that finds fewer
 * than {@code maxDrainers} batches running starts a drainer (a virtual thread) which takes everything
 * queued (up to {@code maxBatch}), runs one batch operation, hands each caller its answer and goes on
 * while anything is queued; whoever arrives meanwhile rides the next batch. Alone, a call runs at once; under load, one round trip serves
 * many callers. Meant for virtual threads, which wait cheaply. A failed batch fails every caller in it with
 * the same exception.
 *
 * @param <I> what a caller submits
 * @param <O> what it gets back
 */
public final class Coalescer<I, O> {

    private record Pending<I, O>(I input, CompletableFuture<O> answer) {
    }

    private final ConcurrentLinkedQueue<Pending<I, O>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();
    private final Function<List<I>, List<O>> batch;
    private final int maxBatch;
    private final int maxDrainers;

    /**
     * {@code batch} answers a list of inputs with a list of outputs in the same order; at most
     * {@code maxDrainers} batches run at once.
     */
    public Coalescer(int maxBatch, int maxDrainers, Function<List<I>, List<O>> batch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch: " + maxBatch + " (expected: at least 1)");
        }
        if (maxDrainers < 1) {
            throw new IllegalArgumentException("maxDrainers: " + maxDrainers + " (expected: at least 1)");
        }
        this.maxBatch = maxBatch;
        this.maxDrainers = maxDrainers;
        this.batch = batch;
    }

    /** Submits {@code input} and waits for its answer; rethrows the batch's runtime exception. */
    public O submit(I input) {
        Pending<I, O> mine = new Pending<>(input, new CompletableFuture<>());
        queue.add(mine);
        if (tryStartDrainer()) {
            Thread.ofVirtual().name("store-batch").start(this::drain);
        }
        try {
            return mine.answer().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batched store operation", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private boolean tryStartDrainer() {
        int running;
        do {
            running = drainers.get();
            if (running >= maxDrainers) {
                return false;
            }
        } while (!drainers.compareAndSet(running, running + 1));
        return true;
    }

    /**
     * Runs batches while anything is queued. The drainer counts itself out before its last look at the
     * queue, so an input queued by a caller that found every drainer slot taken is always taken, by a
     * running drainer or by this one again.
     */
    private void drain() {
        do {
            try {
                while (!queue.isEmpty()) {
                    drainOnce();
                }
            } finally {
                drainers.decrementAndGet();
            }
        } while (!queue.isEmpty() && tryStartDrainer());
    }

    private void drainOnce() {
        List<Pending<I, O>> taken = new ArrayList<>();
        Pending<I, O> next;
        while (taken.size() < maxBatch && (next = queue.poll()) != null) {
            taken.add(next);
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            List<O> outputs = batch.apply(taken.stream().map(Pending::input).toList());
            if (outputs.size() != taken.size()) {
                throw new IllegalStateException("batch answered " + outputs.size() + " of " + taken.size() + " inputs");
            }
            for (int i = 0; i < taken.size(); i++) {
                taken.get(i).answer().complete(outputs.get(i));
            }
        } catch (RuntimeException | Error e) {
            taken.forEach(p -> p.answer().completeExceptionally(e));
        }
    }
}
