package io.integration.worker.messaging.replay;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets a replay reads: per partition, from {@code start} (inclusive) to {@code stop} (exclusive), fixed when it starts
 * so that records produced meanwhile (its own among them) are not read.
 */
record ReplayPlan(Map<TopicPartition, Long> start, Map<TopicPartition, Long> stop) {

    ReplayPlan {
        start = Map.copyOf(start);
        stop = Map.copyOf(stop);
    }

    long total() {
        return start.entrySet().stream().mapToLong(e -> stop.get(e.getKey()) - e.getValue()).sum();
    }

    /** Resolves {@code spec}'s range on {@code topic}; partitions with nothing to read are left out. */
    static ReplayPlan of(Consumer<byte[], byte[]> consumer, String topic, ReplaySpec spec, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new ReplaySpec.InvalidSpecException("source", "topic '" + topic + "' does not exist (expected: an existing topic)");
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).sorted(
                java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
        if (!spec.offsets().isEmpty()) {
            for (int partition : spec.offsets().keySet()) {
                if (partition >= partitions.size()) {
                    throw new ReplaySpec.InvalidSpecException("offsets." + partition, "no such partition (expected: 0.."
                            + (partitions.size() - 1) + ", the partitions of " + topic + ")");
                }
            }
            partitions = partitions.stream().filter(p -> spec.offsets().containsKey(p.partition())).toList();
        }
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        Map<TopicPartition, Long> start = new LinkedHashMap<>();
        Map<TopicPartition, Long> stop = new HashMap<>();
        Map<TopicPartition, Long> fromTime = spec.from() == null ? Map.of() : byTime(consumer, partitions, spec.from(), end, timeout);
        for (TopicPartition p : partitions) {
            long first = beginning.get(p);
            long last = end.get(p);
            ReplaySpec.Offsets range = spec.offsets().get(p.partition());
            long from = range != null ? Math.max(range.from(), first) : fromTime.getOrDefault(p, first);
            // With a time range the replay reads to the end and keeps the records timestamped in range: timestamps are the
            // producers', and need not grow with the offsets.
            long to = range != null ? (range.to() >= last ? last : range.to() + 1) : last;
            if (from < to) {
                start.put(p, from);
                stop.put(p, to);
            }
        }
        return new ReplayPlan(start, stop);
    }

    /**
     * Per partition, the first offset whose record is at or after {@code at} (the end when there is none): no record before
     * it is at or after {@code at}, whatever the order of the timestamps.
     */
    private static Map<TopicPartition, Long> byTime(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                                    java.time.Instant at, Map<TopicPartition, Long> end, Duration timeout) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, at.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp o = found.get(p);
            out.put(p, o == null ? end.get(p) : o.offset());
        }
        return out;
    }
}
