package io.integration.topology.health;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mergeable latency histogram in logarithmic buckets: bucket {@code i} holds the values in {@code (GAMMA^(i-1), GAMMA^i]}
 * milliseconds, so a quantile read from it is within {@code (GAMMA-1)/(GAMMA+1)} (2.4 %) of a value of the data set, and two
 * sketches merge by adding their buckets (windows and methods combine exactly). Sparse: a few hundred buckets at most.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
public final class LatencySketch {

    static final double GAMMA = 1.05;
    private static final double LOG_GAMMA = Math.log(GAMMA);

    private final TreeMap<Integer, Long> buckets = new TreeMap<>();
    private long count;

    public void add(long millis) {
        int index = millis <= 1 ? 0 : (int) Math.ceil(Math.log(millis) / LOG_GAMMA);
        buckets.merge(index, 1L, Long::sum);
        count++;
    }

    public void merge(LatencySketch other) {
        other.buckets.forEach((index, n) -> buckets.merge(index, n, Long::sum));
        count += other.count;
    }

    public long count() {
        return count;
    }

    /** The {@code q}-quantile (0 < q <= 1) in milliseconds, or null when the sketch is empty. */
    public Long quantile(double q) {
        if (count == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (Map.Entry<Integer, Long> bucket : buckets.entrySet()) {
            seen += bucket.getValue();
            if (seen >= rank) {
                return bucket.getKey() == 0 ? 1 : Math.round(2 * Math.pow(GAMMA, bucket.getKey()) / (GAMMA + 1));
            }
        }
        throw new IllegalStateException("bucket counts do not add up to " + count);
    }
}
