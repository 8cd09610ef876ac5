package io.integration.worker.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what the partitions' trackers allow, and counts an offset as committed only when the broker confirms
 * it: a failed asynchronous commit is sent again on the next cycle. Confined to the poll thread (the consumer
 * runs commit callbacks there, inside {@code poll} and {@code commit*}).
 */
final class OffsetCommits {

    private static final Logger log = LoggerFactory.getLogger(OffsetCommits.class);
    private static final Duration INTERVAL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionTracker> trackers;
    private final FailureLog failures = new FailureLog(log);
    /** When the last asynchronous commit was sent ({@link System#nanoTime()}: a wall-clock step must not stop commits). */
    private long lastNanos = System.nanoTime() - INTERVAL.toNanos();

    /** {@code trackers}: the loop's live map of assigned partitions (read here, owned by the loop). */
    OffsetCommits(Consumer<byte[], byte[]> consumer, Map<TopicPartition, PartitionTracker> trackers) {
        this.consumer = consumer;
        this.trackers = trackers;
    }

    /** Sends an asynchronous commit of everything newly committable, at most every 200 ms. */
    void commitAsync() {
        long now = System.nanoTime();
        if (now - lastNanos < INTERVAL.toNanos()) {
            return;
        }
        lastNanos = now;
        Map<TopicPartition, PartitionTracker> sentTo = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(trackers.keySet(), false, sentTo);
        if (offsets.isEmpty()) {
            return;
        }
        sentTo.forEach((partition, tracker) -> tracker.commitSent(offsets.get(partition).offset()));
        consumer.commitAsync(offsets, (done, error) -> {
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                PartitionTracker tracker = sentTo.get(e.getKey());
                if (error == null) {
                    tracker.commitConfirmed(e.getValue().offset());
                } else {
                    tracker.commitFailed(e.getValue().offset());
                }
            }
            if (error != null) {
                failures.warn("commit", "Commit of {} failed, sent again on the next cycle: {}", offsets, error.toString());
            }
        });
    }

    /**
     * Commits everything finished in {@code partitions} and waits for the broker's answer, at most {@code timeout}.
     * Returns what the broker confirmed (empty when nothing was due or the commit failed).
     */
    Map<TopicPartition, OffsetAndMetadata> commitSync(Collection<TopicPartition> partitions, Duration timeout) {
        Map<TopicPartition, PartitionTracker> sentTo = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions, true, sentTo);
        if (offsets.isEmpty()) {
            return Map.of();
        }
        try {
            consumer.commitSync(offsets, timeout);
            sentTo.forEach((partition, tracker) -> tracker.commitConfirmed(offsets.get(partition).offset()));
            return offsets;
        } catch (KafkaException e) {
            // Partitions lost in a rebalance, or the broker away: the next owner re-reads these records and answers them
            // from the result log.
            log.warn("Commit of {} failed: {}", offsets, e.toString());
            return Map.of();
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions, boolean force,
                                                               Map<TopicPartition, PartitionTracker> sentTo) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            PartitionTracker tracker = trackers.get(partition);
            long offset = tracker == null ? -1 : tracker.committable(force);
            if (offset >= 0) {
                offsets.put(partition, new OffsetAndMetadata(offset));
                sentTo.put(partition, tracker);
            }
        }
        return offsets;
    }
}
