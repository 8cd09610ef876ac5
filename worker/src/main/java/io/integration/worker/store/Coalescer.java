package io.integration.worker.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Turns concurrent single-item store operations into batches, without a timer: a caller that finds no
 * batch running starts a drainer (a virtual thread) which takes everything queued (up to {@code maxBatch}),
 * runs one batch operation, hands each caller its answer and goes on while anything is queued; whoever
 * arrives meanwhile waits for the next batch. Alone, a call runs at once; under load, one round trip serves
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
    private final AtomicBoolean leading = new AtomicBoolean();
    private final Function<List<I>, List<O>> batch;
    private final int maxBatch;

    /** {@code batch} answers a list of inputs with a list of outputs in the same order. */
    public Coalescer(int maxBatch, Function<List<I>, List<O>> batch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch: " + maxBatch + " (expected: at least 1)");
        }
        this.maxBatch = maxBatch;
        this.batch = batch;
    }

    /** Submits {@code input} and waits for its answer; rethrows the batch's runtime exception. */
    public O submit(I input) {
        Pending<I, O> mine = new Pending<>(input, new CompletableFuture<>());
        queue.add(mine);
        if (leading.compareAndSet(false, true)) {
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

    /**
     * Runs batches while anything is queued. Leadership is released before the last look at the queue, so
     * an input queued by a caller that saw this drainer running is always taken, by it or by a new one.
     */
    private void drain() {
        do {
            try {
                while (!queue.isEmpty()) {
                    drainOnce();
                }
            } finally {
                leading.set(false);
            }
        } while (!queue.isEmpty() && leading.compareAndSet(false, true));
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
