package io.integration.topology.health;

import io.integration.topology.codec.JsonSerde;
import io.integration.topology.codec.Output;
import io.integration.topology.input.EventSummary;
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
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events of one instance (keyed by its id) → its windows of calls, circuits and status ({@link InstanceState}, store
 * {@value #STATES}); writes its {@link HealthView} to the health topic on every status change and at least every
 * {@link HealthPolicy#publishInterval()} while events come, and an {@code integration.health.changed} event on every change.
 * An event seen before (same {@code eventId}, store {@value #EVENT_IDS}) changes nothing. A wall-clock punctuation moves the
 * windows on when no events come, so an instance whose traffic stops becomes UNKNOWN.
 */
public final class HealthProcessor implements Processor<String, EventSummary, String, Output> {

    public static final String STATES = "instance-health";
    public static final String EVENT_IDS = "health-event-ids";
    /** How far ahead of its record's timestamp an event's time is believed (a worker's clock may be off). */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);
    /** An instance without events for this long is forgotten: its state deleted, a tombstone on the health topic. */
    public static final Duration INSTANCE_RETENTION = Duration.ofDays(7);

    private static final Logger log = LoggerFactory.getLogger(HealthProcessor.class);

    private final HealthPolicy policy;
    private final HealthOutputs outputs;
    private final Duration dedupeRetention;
    private long tickMs;
    /** When this task last processed a record (wall clock) and how old that record was then: to tell a backlog from silence. */
    private long lastProcessedAt;
    private long lastProcessedLag;
    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, InstanceState> states;
    private WindowStore<String, Long> eventIds;

    public HealthProcessor(HealthPolicy policy, HealthOutputs outputs, Duration dedupeRetention) {
        this.policy = policy;
        this.outputs = outputs;
        this.dedupeRetention = dedupeRetention;
    }

    /** The stores the processor needs: instance states, and the event ids seen within {@code dedupeRetention}. */
    public static List<StoreBuilder<?>> stores(Duration dedupeRetention) {
        return List.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATES), Serdes.String(), JsonSerde.of(InstanceState.class)),
                Stores.windowStoreBuilder(Stores.persistentWindowStore(EVENT_IDS, dedupeRetention.multipliedBy(2), dedupeRetention, false),
                        Serdes.String(), Serdes.Long()));
    }

    /** The health of {@code instanceId} as kept in {@code store}, or null when it has none. */
    public static HealthView view(org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, ?> store, String instanceId, HealthPolicy policy) {
        Object state = store.get(instanceId);
        return state instanceof InstanceState s ? s.view(policy.window().toMillis()) : null;
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.states = context.getStateStore(STATES);
        this.eventIds = context.getStateStore(EVENT_IDS);
        Duration tick = policy.window().dividedBy(4).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : policy.window().dividedBy(4);
        tickMs = tick.toMillis();
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, EventSummary> record) {
        EventSummary event = record.value();
        if (event == null || EventSummary.HEALTH_CHANGED.equals(event.type())) {
            return;
        }
        if (!event.instanceId().equals(record.key())) {
            // Queries find an instance's state by its id as the key: an event keyed otherwise would be counted where nobody looks.
            log.warn("Skipped a {} event of instance {} keyed '{}' (events are keyed by their instance id)", event.type(),
                    event.instanceId(), record.key());
            return;
        }
        long wallClock = context.currentSystemTimeMs();
        lastProcessedAt = wallClock;
        lastProcessedLag = wallClock - record.timestamp();
        // A clock far ahead would freeze the instance's windows (and the dedupe store's time): no later than its record allows
        long at = Math.min(event.occurredAt(), record.timestamp() + MAX_CLOCK_SKEW.toMillis());
        if (seenBefore(event, at)) {
            return;
        }
        InstanceState state = states.get(event.instanceId());
        if (state == null) {
            state = new InstanceState(event.instanceId());
            state.since = at;
        }
        long lateBefore = state.lateEvents;
        if (apply(state, event, at)) {
            judge(state, Math.max(context.currentStreamTimeMs(), at));
        } else if (state.lateEvents == lateBefore) {
            return; // an event that says nothing about health
        }
        states.put(state.instanceId, state);
    }

    /** Whether this event id was processed within the dedupe retention; remembers it otherwise. */
    private boolean seenBefore(EventSummary event, long at) {
        if (event.eventId() == null) {
            return false;
        }
        try (WindowStoreIterator<Long> seen = eventIds.fetch(event.eventId(), at - dedupeRetention.toMillis(), at + dedupeRetention.toMillis())) {
            if (seen.hasNext()) {
                return true;
            }
        }
        eventIds.put(event.eventId(), at, at);
        return false;
    }

    /** Counts the event (at {@code at}) into its window; false when it changes nothing to judge. */
    private boolean apply(InstanceState state, EventSummary event, long at) {
        long windowMs = policy.window().toMillis();
        String scope = event.methodName() == null ? "*" : event.methodName();
        switch (event.type()) {
            case EventSummary.CIRCUIT_OPENED -> state.openCircuits.put(scope, at);
            case EventSummary.CIRCUIT_CLOSED -> state.openCircuits.remove(scope);
            case EventSummary.METHOD_EXECUTED, EventSummary.METHOD_FAILED, EventSummary.AUTH_FAILED -> {
                state.roll(at, windowMs);
                WindowStats window = state.windowOf(at, windowMs);
                if (window == null) {
                    state.lateEvents++;
                    return false;
                }
                for (CallStats stats : new CallStats[] {window.total(), window.method(event.methodName())}) {
                    if (stats == null) {
                        continue;
                    }
                    switch (event.type()) {
                        case EventSummary.METHOD_EXECUTED -> {
                            if (event.servedFrom() != null) {
                                stats.servedWithoutCall();
                            } else {
                                stats.success(event.durationMs());
                            }
                        }
                        case EventSummary.METHOD_FAILED -> stats.failure(event.errorCode(), event.durationMs());
                        default -> stats.authFailure();
                    }
                }
                if (EventSummary.METHOD_EXECUTED.equals(event.type()) && event.servedFrom() == null) {
                    // Calls go through: the instance's circuit (and this method's) is not open on every worker any more,
                    // whatever became of the closing event (they are best effort, and each worker has its own breakers)
                    state.openCircuits.remove("*");
                    if (event.methodName() != null) {
                        state.openCircuits.remove(event.methodName());
                    }
                }
            }
            default -> {
                return false;
            }
        }
        state.lastEventAt = Math.max(state.lastEventAt, at);
        return true;
    }

    /** Judges the state at {@code now}: on a change of status, writes the health and the change event; else the health when due. */
    private void judge(InstanceState state, long now) {
        boolean instanceOpen = state.openCircuits.containsKey("*");
        boolean methodOpen = state.openCircuits.keySet().stream().anyMatch(scope -> !scope.equals("*"));
        HealthPolicy.Verdict verdict = policy.judge(state.judged(policy.minCalls()), state.status, instanceOpen, methodOpen);
        state.evaluatedAt = now;
        state.reason = verdict.reason();
        if (verdict.status() != state.status) {
            HealthStatus before = state.status;
            state.status = verdict.status();
            state.since = now;
            context.forward(new Record<>(state.instanceId, outputs.changed(state.instanceId, before, state.status, state.reason, now), now));
            publish(state, now);
        } else if (state.lastEventAt > state.lastPublishedAt && now - state.lastPublishedAt >= policy.publishInterval().toMillis()) {
            publish(state, now);
        }
    }

    private void publish(InstanceState state, long now) {
        state.lastPublishedAt = now;
        context.forward(new Record<>(state.instanceId, outputs.health(state.view(policy.window().toMillis())), now));
    }

    /**
     * Moves every instance's windows to the present and judges it again: silence ages into UNKNOWN, a circuit no event
     * re-opened for two windows is taken as closed, an instance without events for {@link #INSTANCE_RETENTION} is forgotten
     * (a tombstone on the health topic). While the task catches up on old records (its last record, read a moment ago, was
     * older than a window), windows move to the records' time instead: a backlog is counted, not aged away.
     */
    private void tick(long now) {
        long windowMs = policy.window().toMillis();
        boolean catchingUp = now - lastProcessedAt < 2 * tickMs && lastProcessedLag > windowMs;
        long present = catchingUp ? context.currentStreamTimeMs() : now;
        List<KeyValue<String, InstanceState>> all = new ArrayList<>();
        try (KeyValueIterator<String, InstanceState> it = states.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, InstanceState> entry : all) {
            InstanceState state = entry.value;
            if (state.lastEventAt < present - INSTANCE_RETENTION.toMillis()) {
                states.delete(entry.key);
                context.forward(new Record<>(entry.key, outputs.forgotten(entry.key), now));
                continue;
            }
            HealthStatus before = state.status;
            long published = state.lastPublishedAt;
            int circuits = state.openCircuits.size();
            state.openCircuits.values().removeIf(openedAt -> openedAt < present - 2 * windowMs);
            state.roll(present, windowMs);
            judge(state, present);
            if (state.status != before || state.lastPublishedAt != published || state.openCircuits.size() != circuits) {
                states.put(entry.key, state);
            }
        }
    }
}
