package io.integration.worker.execution;

import io.integration.registry.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replays operators started. A record's replay marks are headers any producer could write, so a worker trusts them only
 * as far as they name a replay found here, and takes {@code force} from what was started, never from the headers.
 */
@FunctionalInterface
public interface Replays {

    /** No replay is known: every replayed record is answered from its recorded result. */
    Replays NONE = id -> Optional.empty();

    /** The replay {@code id} as it was started (a dry run starts none), or empty. Throws {@link StoreUnavailableException}. */
    Optional<ExecutionRequest.Replay> find(String id);

    /**
     * {@code source} behind a cache of the replays found, each remembered for {@code ttl}, at most {@code maxEntries}. An id
     * not found is asked again each time: it is never cached, so neither a replay started a moment ago is missed nor a
     * flood of made-up ids pushes out the real ones.
     */
    static Replays cached(Replays source, Duration ttl, int maxEntries, Clock clock) {
        record Entry(ExecutionRequest.Replay replay, Instant expires) {
        }
        ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
        return id -> {
            Instant now = clock.instant();
            Entry entry = entries.get(id);
            if (entry != null && now.isBefore(entry.expires())) {
                return Optional.of(entry.replay());
            }
            Optional<ExecutionRequest.Replay> replay = source.find(id);
            if (replay.isPresent()) {
                if (entries.size() >= maxEntries) {
                    entries.clear();
                }
                entries.put(id, new Entry(replay.get(), now.plus(ttl)));
            } else {
                entries.remove(id);
            }
            return replay;
        };
    }
}
