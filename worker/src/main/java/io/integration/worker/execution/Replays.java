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
     * {@code source} behind a cache: a replay found is remembered for {@code ttl}, one not found for a tenth of it (a replay is
     * recorded before its first record is produced, so a miss is a forged or mistyped id), at most {@code maxEntries}.
     */
    static Replays cached(Replays source, Duration ttl, int maxEntries, Clock clock) {
        record Entry(Optional<ExecutionRequest.Replay> replay, Instant expires) {
        }
        ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
        return id -> {
            Instant now = clock.instant();
            Entry entry = entries.get(id);
            if (entry == null || !now.isBefore(entry.expires())) {
                Optional<ExecutionRequest.Replay> replay = source.find(id);
                if (entries.size() >= maxEntries) {
                    entries.clear();
                }
                entry = new Entry(replay, now.plus(replay.isPresent() ? ttl : ttl.dividedBy(10)));
                entries.put(id, entry);
            }
            return entry.replay();
        };
    }
}
