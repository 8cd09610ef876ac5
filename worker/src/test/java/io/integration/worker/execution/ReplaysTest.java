package io.integration.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplaysTest {

    private final List<String> asked = new ArrayList<>();
    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-12-03T00:00:00Z"));
    private final Replays source = id -> {
        asked.add(id);
        return id.startsWith("rp-") ? Optional.of(new ExecutionRequest.Replay(id, false)) : Optional.empty();
    };


    @Test
    void aStartedReplayIsRememberedForTheTtlAndAnUnknownIdIsAskedEachTime() {
        Replays cached = Replays.cached(source, Duration.ofSeconds(60), 100, clock);

        assertThat(cached.find("rp-1")).isPresent();
        assertThat(cached.find("forged")).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        assertThat(cached.find("rp-1")).isPresent();
        assertThat(cached.find("forged")).isEmpty();
        assertThat(asked).containsExactly("rp-1", "forged", "forged");
        clock.advance(Duration.ofSeconds(60));
        cached.find("rp-1");
        cached.find("forged");
        assertThat(asked).containsExactly("rp-1", "forged", "forged", "rp-1", "forged");
    }

    @Test
    void theCacheStaysWithinItsBound() {
        Replays cached = Replays.cached(source, Duration.ofSeconds(60), 2, clock);
        cached.find("rp-1");
        cached.find("rp-2");
        cached.find("rp-3");
        cached.find("rp-3");
        cached.find("rp-1");

        assertThat(asked).containsExactly("rp-1", "rp-2", "rp-3", "rp-1");
    }
}
