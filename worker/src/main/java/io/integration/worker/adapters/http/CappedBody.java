package io.integration.worker.adapters.http;

import io.integration.worker.adapter.ByteBudget;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A response body collected up to a byte cap, every byte reserved in the worker's {@link ByteBudget}; what both HTTP
 * clients' body readers ({@link CappedBodySubscriber} for the JDK's, {@link JettyTransport}'s listener) share. Past the
 * cap it stops the stream (nothing more is read) and fails with {@link BodyTooLargeException}; while the budget is
 * spent it waits, up to the call's deadline, on a virtual thread, and asks for more only once the bytes are had (then
 * {@link BudgetExhaustedException}). The client's own threads never block. On any failure the reservation is released
 * here; on success it travels with the body.
 */
final class CappedBody {

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

    /** How the client's stream is driven: ask for the next bytes, or stop it for good. */
    interface Stream {
        void more();

        void stop(Throwable why);
    }

    private final long cap;
    private final ByteBudget budget;
    private final ByteBudget.Reservation reservation;
    private final long deadlineNanos;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Object lock = new Object();
    private long received;
    /** A virtual thread waits for budget for the last bytes; the client may end the body meanwhile (guarded by {@link #lock}). */
    private boolean waiting;
    private boolean completeWhenDone;

    CappedBody(long cap, ByteBudget budget, long deadlineNanos) {
        this.cap = cap;
        this.budget = budget;
        this.reservation = budget.open();
        this.deadlineNanos = deadlineNanos;
    }

    /** The bytes this body holds in the budget: released by whoever ends up owning the body. */
    ByteBudget.Reservation reservation() {
        return reservation;
    }

    /** The whole body, or why there is none. */
    CompletableFuture<byte[]> result() {
        return result;
    }

    /**
     * Takes {@code chunks} (copied at once: a client may reuse their memory once this returns) and asks {@code stream} for
     * more once their size is reserved.
     */
    void offer(Stream stream, ByteBuffer... chunks) {
        if (result.isDone()) {
            return;
        }
        long size = 0;
        for (ByteBuffer chunk : chunks) {
            size += chunk.remaining();
        }
        received += size;
        if (received > cap) {
            fail(stream, new BodyTooLargeException(cap));
            return;
        }
        for (ByteBuffer chunk : chunks) {
            take(chunk);
        }
        if (reservation.tryGrow(size)) {
            stream.more();
            return;
        }
        synchronized (lock) {
            waiting = true;
        }
        long bytes = size;
        Thread.ofVirtual().name("body-budget").start(() -> awaitBudget(stream, bytes));
    }

    /** Waits (up to the deadline) for the budget to have {@code size} bytes, then asks for more (or ends the body). */
    private void awaitBudget(Stream stream, long size) {
        try {
            if (!reservation.grow(size, deadlineNanos)) {
                fail(stream, new BudgetExhaustedException(budget.capacity()));
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(stream, e);
            return;
        }
        boolean complete;
        synchronized (lock) {
            waiting = false;
            complete = completeWhenDone;
        }
        if (complete) {
            result.complete(buffer.toByteArray());
        } else {
            stream.more();
        }
    }

    private void take(ByteBuffer chunk) {
        if (chunk.hasArray()) {
            buffer.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
            chunk.position(chunk.limit());
        } else {
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            buffer.writeBytes(bytes);
        }
    }

    private void fail(Stream stream, Throwable error) {
        reservation.release();
        if (result.completeExceptionally(error)) {
            stream.stop(error);
        }
    }

    /** The client failed the body (connection lost, exchange aborted). */
    void failed(Throwable error) {
        reservation.release();
        result.completeExceptionally(error);
    }

    /** The client has given every byte. */
    void complete() {
        synchronized (lock) {
            if (waiting) {
                completeWhenDone = true; // the waiting thread completes once it has the budget for the last bytes
                return;
            }
        }
        result.complete(buffer.toByteArray());
    }
}
