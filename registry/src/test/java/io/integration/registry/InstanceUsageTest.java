package io.integration.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InstanceUsageTest {

    /** Records what {@code touch} was given; fails while {@link #down} is set. */
    static final class Store implements InstanceRepository {
        final List<Map<String, Instant>> writes = new ArrayList<>();
        final AtomicBoolean down = new AtomicBoolean();

        @Override
        public Optional<IntegrationInstance> find(String id) {
            return Optional.empty();
        }

        @Override
        public List<IntegrationInstance> all() {
            return List.of();
        }

        @Override
        public void save(IntegrationInstance instance) {
        }

        @Override
        public synchronized void touch(Map<String, Instant> lastUsed) {
            if (down.get()) {
                throw new IllegalStateException("store down");
            }
            writes.add(new HashMap<>(lastUsed));
        }

        @Override
        public Optional<Instant> lastUsed(String id) {
            return Optional.empty();
        }
    }

    @Test
    void manyUsesBecomeOneWritePerFlushWithTheLatestTime() {
        Store store = new Store();
        TestClock clock = new TestClock(Instant.EPOCH);
        try (InstanceUsage usage = new InstanceUsage(store, Duration.ofDays(1), clock)) {
            for (int i = 0; i < 1000; i++) {
                clock.set(Instant.ofEpochSecond(i));
                usage.record(i % 2 == 0 ? "a" : "b");
            }
            usage.flush();
            usage.flush(); // nothing new: no write

            assertThat(store.writes).containsExactly(Map.of("a", Instant.ofEpochSecond(998), "b", Instant.ofEpochSecond(999)));
        }
    }

    @Test
    void aFailedFlushKeepsTheTimesForTheNextOne() {
        Store store = new Store();
        TestClock clock = new TestClock(Instant.EPOCH);
        try (InstanceUsage usage = new InstanceUsage(store, Duration.ofDays(1), clock)) {
            clock.set(Instant.ofEpochSecond(10));
            usage.record("a");
            store.down.set(true);
            usage.flush();
            clock.set(Instant.ofEpochSecond(5)); // an older use arriving late must not win
            usage.record("a");
            store.down.set(false);
            usage.flush();

            assertThat(store.writes).containsExactly(Map.of("a", Instant.ofEpochSecond(10)));
        }
    }
}
