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

    private static final Logger log = LoggerFactory.getLogger(HealthProcessor.class);

    private final HealthPolicy policy;
    private final HealthOutputs outputs;
    private final Duration dedupeRetention;
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
        if (seenBefore(event)) {
            return;
        }
        InstanceState state = states.get(event.instanceId());
        if (state == null) {
            state = new InstanceState(event.instanceId());
            state.since = event.occurredAt();
        }
        if (!apply(state, event)) {
            return;
        }
        judge(state, Math.max(context.currentStreamTimeMs(), event.occurredAt()));
        states.put(state.instanceId, state);
    }

    /** Whether this event id was processed within the dedupe retention; remembers it otherwise. */
    private boolean seenBefore(EventSummary event) {
        if (event.eventId() == null) {
            return false;
        }
        long at = event.occurredAt();
        try (WindowStoreIterator<Long> seen = eventIds.fetch(event.eventId(), at - dedupeRetention.toMillis(), at + dedupeRetention.toMillis())) {
            if (seen.hasNext()) {
                return true;
            }
        }
        eventIds.put(event.eventId(), at, at);
        return false;
    }

    /** Counts the event into its window; false when it says nothing about health. */
    private boolean apply(InstanceState state, EventSummary event) {
        long windowMs = policy.window().toMillis();
        String scope = event.methodName() == null ? "*" : event.methodName();
        switch (event.type()) {
            case EventSummary.CIRCUIT_OPENED -> state.openCircuits.add(scope);
            case EventSummary.CIRCUIT_CLOSED -> state.openCircuits.remove(scope);
            case EventSummary.METHOD_EXECUTED, EventSummary.METHOD_FAILED, EventSummary.AUTH_FAILED -> {
                state.roll(event.occurredAt(), windowMs);
                WindowStats window = state.windowOf(event.occurredAt(), windowMs);
                if (window == null) {
                    state.lateEvents++;
                    return false;
                }
                for (CallStats stats : new CallStats[] {window.total(), window.method(event.methodName())}) {
                    if (stats == null) {
                        continue;
                    }
                    switch (event.type()) {
                        case EventSummary.METHOD_EXECUTED -> stats.success(event.durationMs());
                        case EventSummary.METHOD_FAILED -> stats.failure(event.errorCode(), event.durationMs());
                        default -> stats.authFailure();
                    }
                }
            }
            default -> {
                return false;
            }
        }
        state.lastEventAt = Math.max(state.lastEventAt, event.occurredAt());
        return true;
    }

    /** Judges the state at {@code now}: on a change of status, writes the health and the change event; else the health when due. */
    private void judge(InstanceState state, long now) {
        boolean instanceOpen = state.openCircuits.contains("*");
        boolean methodOpen = state.openCircuits.stream().anyMatch(scope -> !scope.equals("*"));
        HealthPolicy.Verdict verdict = policy.judge(state.judged(policy.minCalls()), instanceOpen, methodOpen);
        state.evaluatedAt = now;
        state.reason = verdict.reason();
        if (verdict.status() != state.status) {
            HealthStatus before = state.status;
            state.status = verdict.status();
            state.since = now;
            context.forward(new Record<>(state.instanceId, outputs.changed(state.instanceId, before, state.status, state.reason, now), now));
            publish(state, now);
        } else if (now - state.lastPublishedAt >= policy.publishInterval().toMillis()) {
            publish(state, now);
        }
    }

    private void publish(InstanceState state, long now) {
        state.lastPublishedAt = now;
        context.forward(new Record<>(state.instanceId, outputs.health(state.view(policy.window().toMillis())), now));
    }

    /** Moves every instance's windows to the present and judges it again: silence ages into UNKNOWN. */
    private void tick(long now) {
        List<KeyValue<String, InstanceState>> all = new ArrayList<>();
        try (KeyValueIterator<String, InstanceState> it = states.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, InstanceState> entry : all) {
            InstanceState state = entry.value;
            HealthStatus before = state.status;
            state.roll(now, policy.window().toMillis());
            judge(state, now);
            if (state.status != before || state.lastPublishedAt == now) {
                states.put(entry.key, state);
            }
        }
    }
}
