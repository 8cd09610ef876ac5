package io.integration.worker.ops;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A check of something remote (a MongoDB ping) run on its own virtual thread every {@code every}, whose last outcome a
 * probe reads without waiting: UP while the last run succeeded within {@code stale}; a run that hangs shows as DOWN
 * once its last success is older than that. Thread-safe; {@link #close()} stops it.
 */
public final class PeriodicCheck implements AutoCloseable {

    private record Last(long succeededNanos, String problem) {
    }

    private final AtomicReference<Last> last;
    private final Duration stale;
    private final Thread thread;
    private volatile boolean closed;

    /** {@code probe}: throws when the thing is down (its exception's class and message say why; never a secret). */
    public PeriodicCheck(String name, Callable<?> probe, Duration every, Duration stale) {
        this.stale = stale;
        this.last = new AtomicReference<>(new Last(System.nanoTime() - stale.toNanos() - 1, "not checked yet"));
        this.thread = Thread.ofVirtual().name("check-" + name).start(() -> {
            while (!closed) {
                try {
                    probe.call();
                    last.set(new Last(System.nanoTime(), null));
                } catch (Exception e) {
                    last.set(new Last(last.get().succeededNanos(), e.getClass().getSimpleName()));
                }
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Empty when the last run succeeded less than {@code stale} ago; else why not. */
    public Optional<String> problem() {
        Last now = last.get();
        if (now.problem() == null && System.nanoTime() - now.succeededNanos() <= stale.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(now.problem() != null ? now.problem() : "no answer for " + stale.toSeconds() + " s");
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
