package io.integration.worker.adapters.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import io.integration.worker.adapter.ByteBudget;

/**
 * Collects a response body up to a byte cap; past it, cancels the stream (the connection is dropped,
 * nothing more is read) and completes with {@link BodyTooLargeException}. The memory held is bounded by
 * the cap, whatever the server sends, and every byte received is first reserved in the worker's
 * {@link ByteBudget} (waiting, up to the call's deadline, while the budget is spent; then
 * {@link BudgetExhaustedException}). On any failure the reservation is released here; on success it travels
 * with the body.
 *
 * <p>It asks for one list of buffers at a time. When the budget lacks the bytes, the wait runs on a virtual thread and the
 * next list is asked for only once they are had: the HTTP client's own threads (a small fixed pool) never block, so a
 * body waiting for the budget does not hold up the others.
 */
final class CappedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

    /** Signals that the body passed the cap. */
    static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException(long cap) {
            super("response body exceeds " + cap + " bytes", null, false, false);
        }
    }

    /** Signals that the worker's budget of bytes in flight stayed spent until the call's deadline. */
    static final class BudgetExhaustedException extends RuntimeException {
        BudgetExhaustedException(long capacity) {
            super("response bodies in flight used the whole worker.max.in.flight.bytes budget (" + capacity
                    + " bytes) until the call's deadline", null, false, false);
        }
    }

    private final long cap;
    private final ByteBudget budget;
    private final ByteBudget.Reservation reservation;
    private final long deadlineNanos;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Object lock = new Object();
    private Flow.Subscription subscription;
    private long received;
    /** A virtual thread waits for budget for the last buffers; the client may complete meanwhile (guarded by {@link #lock}). */
    private boolean waiting;
    private boolean completeWhenDone;

    CappedBodySubscriber(long cap, ByteBudget budget, long deadlineNanos) {
        this.cap = cap;
        this.budget = budget;
        this.reservation = budget.open();
        this.deadlineNanos = deadlineNanos;
    }

    /** The bytes this body holds in the budget: released by whoever ends up owning the body. */
    ByteBudget.Reservation reservation() {
        return reservation;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        long size = 0;
        for (ByteBuffer item : items) {
            size += item.remaining();
        }
        received += size;
        if (received > cap) {
            fail(new BodyTooLargeException(cap));
            return;
        }
        if (reservation.tryGrow(size)) {
            take(items);
            subscription.request(1);
            return;
        }
        synchronized (lock) {
            waiting = true;
        }
        long bytes = size;
        Thread.ofVirtual().name("body-budget").start(() -> awaitBudget(items, bytes));
    }

    /** Waits (up to the deadline) for the budget to have {@code size} bytes, then takes the buffers and asks for more. */
    private void awaitBudget(List<ByteBuffer> items, long size) {
        try {
            if (!reservation.grow(size, deadlineNanos)) {
                fail(new BudgetExhaustedException(budget.capacity()));
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
            return;
        }
        take(items);
        boolean complete;
        synchronized (lock) {
            waiting = false;
            complete = completeWhenDone;
        }
        if (complete) {
            result.complete(buffer.toByteArray());
        } else {
            subscription.request(1);
        }
    }

    private void take(List<ByteBuffer> items) {
        for (ByteBuffer item : items) {
            if (item.hasArray()) {
                buffer.write(item.array(), item.arrayOffset() + item.position(), item.remaining());
            } else {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                buffer.writeBytes(chunk);
            }
        }
    }

    private void fail(Throwable error) {
        subscription.cancel();
        reservation.release();
        result.completeExceptionally(error);
    }

    @Override
    public void onError(Throwable throwable) {
        reservation.release();
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        synchronized (lock) {
            if (waiting) {
                completeWhenDone = true; // the waiting thread completes once it has taken the last buffers
                return;
            }
        }
        result.complete(buffer.toByteArray());
    }
}
