package io.integration.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.registry.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TtlCacheTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-11-26T00:00:00Z"));

    @Test
    void manyCallersMissingOneKeyLoadItOnce() throws Exception {
        TtlCache<String, String> cache = new TtlCache<>(Duration.ofSeconds(5), 100, clock);
        AtomicInteger loads = new AtomicInteger();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                answers.add(callers.submit(() -> cache.get("def", key -> {
                    loads.incrementAndGet();
                    sleep(50);
                    return key + "-v1";
                })));
            }
            for (Future<String> answer : answers) {
                assertThat(answer.get()).isEqualTo("def-v1");
            }
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void anExpiredValueIsLoadedAgain() {
        TtlCache<String, Integer> cache = new TtlCache<>(Duration.ofSeconds(5), 100, clock);
        AtomicInteger loads = new AtomicInteger();

        assertThat(cache.get("k", key -> loads.incrementAndGet())).isEqualTo(1);
        clock.advance(Duration.ofSeconds(4));
        assertThat(cache.get("k", key -> loads.incrementAndGet())).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.get("k", key -> loads.incrementAndGet())).isEqualTo(2);
    }

    @Test
    void aFailedLoadIsNotRemembered() {
        TtlCache<String, String> cache = new TtlCache<>(Duration.ofSeconds(5), 100, clock);

        assertThatThrownBy(() -> cache.get("k", key -> {
            throw new StoreUnavailableException("down", null);
        })).isInstanceOf(StoreUnavailableException.class);
        assertThat(cache.get("k", key -> "back")).isEqualTo("back");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
