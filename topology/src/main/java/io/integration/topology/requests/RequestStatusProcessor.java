package io.integration.topology.requests;

import io.integration.topology.codec.JsonSerde;
import io.integration.topology.input.RequestUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Updates of one request (keyed by its id) → its latest {@link RequestStatus} (store {@value #STATUSES}). A status is kept
 * for {@code retention} after its last update: an index by update time (store {@value #EXPIRY}) lets a wall-clock
 * punctuation delete the expired ones in order, without scanning every request.
 */
public final class RequestStatusProcessor implements Processor<String, RequestUpdate, Void, Void> {

    public static final String STATUSES = "request-status";
    public static final String EXPIRY = "request-status-expiry";
    private static final Duration SWEEP = Duration.ofMinutes(1);

    private final Duration retention;
    private KeyValueStore<String, RequestStatus> statuses;
    private KeyValueStore<String, String> expiry;

    public RequestStatusProcessor(Duration retention) {
        this.retention = retention;
    }

    public static List<StoreBuilder<?>> stores() {
        return List.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATUSES), Serdes.String(), JsonSerde.of(RequestStatus.class)),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRY), Serdes.String(), Serdes.String()));
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        statuses = context.getStateStore(STATUSES);
        expiry = context.getStateStore(EXPIRY);
        context.schedule(SWEEP, PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<String, RequestUpdate> record) {
        RequestUpdate update = record.value();
        if (update == null || !update.requestId().equals(record.key())) {
            return;
        }
        if (update.at() < 0) {
            // No time in the request itself: the time of its record.
            update = new RequestUpdate(update.requestId(), update.stage(), update.instanceId(), update.methodName(), update.errorCode(),
                    update.attempts(), record.timestamp());
        }
        RequestStatus current = statuses.get(update.requestId());
        RequestStatus next = RequestStatus.apply(current, update);
        if (next.equals(current)) {
            return;
        }
        if (current != null) {
            expiry.delete(indexKey(current));
        }
        statuses.put(next.requestId(), next);
        expiry.put(indexKey(next), next.requestId());
    }

    /** Deletes the statuses last updated more than {@code retention} before {@code now}. */
    private void expire(long now) {
        String until = indexKey(now - retention.toMillis(), "");
        List<KeyValue<String, String>> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> it = expiry.range(indexKey(0, ""), until)) {
            it.forEachRemaining(expired::add);
        }
        for (KeyValue<String, String> entry : expired) {
            expiry.delete(entry.key);
            statuses.delete(entry.value);
        }
    }

    private static String indexKey(RequestStatus status) {
        return indexKey(status.updatedAt().toEpochMilli(), status.requestId());
    }

    /** Sorts by time as text: zero-padded epoch millis (times before 1970 count as 0). */
    private static String indexKey(long at, String requestId) {
        return String.format("%013d|%s", Math.max(0, at), requestId);
    }
}
