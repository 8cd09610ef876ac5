package io.integration.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {

    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-12-03T00:00:00Z"));

    @Test
    void anAnswerIsFreshWithinItsMaxAgeAndStillThereAfterForAStaleFallback() {
        ResponseCache cache = new ResponseCache(10, 1_000_000, clock);
        cache.put("k", "{\"a\":1}");
        clock.advance(Duration.ofSeconds(5));

        assertThat(cache.fresh("k", Duration.ofSeconds(10))).get().extracting(ResponseCache.Entry::data).isEqualTo("{\"a\":1}");
        assertThat(cache.fresh("k", Duration.ofSeconds(5))).isEmpty();
        assertThat(cache.any("k")).get().satisfies(e -> assertThat(e.age(clock.instant())).isEqualTo(Duration.ofSeconds(5)));
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void theLeastRecentlyUsedGoFirstWithinTheEntryAndByteBounds() {
        ResponseCache cache = new ResponseCache(2, 1_000_000, clock);
        cache.put("a", "1");
        cache.put("b", "2");
        cache.fresh("a", Duration.ofMinutes(1));
        cache.put("c", "3");

        assertThat(cache.any("b")).as("least recently used").isEmpty();
        assertThat(cache.any("a")).isPresent();
        assertThat(cache.entries()).isEqualTo(2);

        ResponseCache small = new ResponseCache(100, 2_000, clock);
        small.put("big", "x".repeat(150)); // 2 * (3 + 150) + 64 = 370 bytes: more than a tenth of the bound, not kept
        assertThat(small.any("big")).isEmpty();
        for (int n = 0; n < 20; n++) {
            small.put("k" + n, "x".repeat(50));
        }
        assertThat(small.bytes()).isBetween(1L, 2_000L);
        small.put("k18", "z".repeat(1_000));
        assertThat(small.any("k18")).as("an answer too large to keep does not leave the older one standing").isEmpty();
        small.put("k19", "y".repeat(10));
        assertThat(small.bytes()).as("a replaced entry's bytes are given back").isLessThanOrEqualTo(2_000L);
        assertThat(small.any("k19")).get().extracting(ResponseCache.Entry::data).isEqualTo("y".repeat(10));
    }

    @Test
    void concurrentMissesWaitForTheFirstCallAndGoCallingThemselvesWhenItGetsNothing() throws Exception {
        ResponseCache cache = new ResponseCache(10, 1_000_000, clock);

        assertThat(cache.join("k")).as("the first leads").isEmpty();
        CompletableFuture<ResponseCache.Entry> waiting = cache.join("k").orElseThrow();
        cache.put("k", "answer");
        assertThat(waiting.get().data()).isEqualTo("answer");

        CompletableFuture<ResponseCache.Entry> first = cache.flight("other").answer();
        CompletableFuture<ResponseCache.Entry> abandoned = cache.join("other").orElseThrow();
        cache.abandon("other", first);
        assertThat(abandoned.get()).as("the leader got no answer").isNull();
        ResponseCache.Flight next = cache.flight("other");
        assertThat(next.leads()).as("the next one leads again").isTrue();
        CompletableFuture<ResponseCache.Entry> second = next.answer();
        cache.abandon("other", first);
        assertThat(second.isDone()).as("an earlier leader never ends a later one's wait").isFalse();
        cache.put("other", null);
        assertThat(second.get()).isNull();
    }
}
