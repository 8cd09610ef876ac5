package io.integration.worker.messaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Counts failures by kind and logs them at WARN at most once per interval per kind, with the number left
 * unlogged meanwhile: an outage retried by a thousand records says so once every few seconds, not a thousand
 * times. The counts are what the metrics expose. Thread-safe.
 */
final class FailureLog {

    private static final long INTERVAL_NANOS = 5_000_000_000L;

    private record Window(AtomicLong count, AtomicLong lastLogNanos, AtomicLong unlogged) {
    }

    private final Logger log;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    FailureLog(Logger log) {
        this.log = log;
    }

    /** Counts one failure of {@code kind}; logs {@code message} unless one of this kind was logged less than 5 s ago. */
    void warn(String kind, String message, Object... args) {
        Window w = windows.computeIfAbsent(kind, k -> new Window(new AtomicLong(), new AtomicLong(System.nanoTime() - INTERVAL_NANOS),
                new AtomicLong()));
        w.count().incrementAndGet();
        long now = System.nanoTime();
        long last = w.lastLogNanos().get();
        if (now - last >= INTERVAL_NANOS && w.lastLogNanos().compareAndSet(last, now)) {
            long skipped = w.unlogged().getAndSet(0);
            if (log.isWarnEnabled()) {
                log.warn(message + (skipped > 0 ? " (and " + skipped + " more " + kind + " failures in the last seconds)" : ""), args);
            }
        } else {
            w.unlogged().incrementAndGet();
        }
    }

    /** Failures of {@code kind} so far. */
    long count(String kind) {
        Window w = windows.get(kind);
        return w == null ? 0 : w.count().get();
    }
}
