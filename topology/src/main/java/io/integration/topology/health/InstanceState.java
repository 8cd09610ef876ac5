package io.integration.topology.health;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import java.time.Instant;
import java.util.TreeMap;

/** What the topology keeps per instance (the value of its state store): two windows of calls, circuits, and the status. */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
final class InstanceState {

    String instanceId;
    HealthStatus status = HealthStatus.UNKNOWN;
    String reason = "no calls yet";
    long since;
    long evaluatedAt;
    long lastEventAt;
    long lastPublishedAt;
    /** Events older than the previous window: too late to count. */
    long lateEvents;
    /** The circuits open now: {@code *} (the instance's) or a method, with the time of the event that opened it. */
    final TreeMap<String, Long> openCircuits = new TreeMap<>();
    WindowStats current;
    WindowStats previous;

    InstanceState() {
    }

    InstanceState(String instanceId) {
        this.instanceId = instanceId;
    }

    /** Moves the windows on so that the current one contains {@code at}. */
    void roll(long at, long windowMs) {
        long start = at - Math.floorMod(at, windowMs);
        if (current == null) {
            current = new WindowStats(start);
        } else if (start > current.start()) {
            previous = start == current.start() + windowMs ? current : null;
            current = new WindowStats(start);
        }
    }

    /** The window that holds {@code at}: the current or the previous one; null when it is older. */
    WindowStats windowOf(long at, long windowMs) {
        if (current != null && at >= current.start()) {
            return current;
        }
        if (current != null && at >= current.start() - windowMs) {
            if (previous == null) {
                previous = new WindowStats(current.start() - windowMs);
            }
            return previous;
        }
        return null;
    }

    /** The calls to judge by: the current window, or with the previous one while the current holds fewer than {@code minCalls}. */
    CallStats judged(long minCalls) {
        CallStats stats = new CallStats();
        if (current != null) {
            stats.merge(current.total());
        }
        if (stats.calls() < minCalls && previous != null) {
            stats.merge(previous.total());
        }
        return stats;
    }

    HealthView view(long windowMs) {
        return new HealthView(instanceId, status, reason, Instant.ofEpochMilli(since), Instant.ofEpochMilli(evaluatedAt),
                lastEventAt == 0 ? null : Instant.ofEpochMilli(lastEventAt), windowMs, java.util.Set.copyOf(openCircuits.keySet()), lateEvents,
                current == null ? null : current.view(windowMs), previous == null ? null : previous.view(windowMs));
    }
}
