package io.integration.bench;

import java.time.Duration;
import java.util.List;

/**
 * A benchmark workload: how long the stub takes to answer and how large its answer is, over how many keys the
 * requests spread, the faults it injects, and whether requests come as a backlog or at an offered rate.
 *
 * @param failOncePercent share of requests whose first call is answered 503 (W4)
 * @param outage how long every call is answered 503, starting two seconds into the run (W5); zero for none
 * @param responseBytes size of the stub's answer
 * @param instance the integration instance the requests name ({@code bench}, or {@code bench-limited} with a rate limit)
 * @param hotPercent share of requests on one hot key (W7), the rest spread over {@code keys}
 * @param offeredRate requests per second produced during the run (W6, W7); 0: a backlog the arm works through
 */
record Workload(String name, long delayMs, int keys, int failOncePercent, Duration outage, int responseBytes, String instance,
                int hotPercent, int offeredRate) {

    static final List<String> NAMES = List.of("W1", "W2-16", "W2-256", "W2-4096", "W4-1", "W4-10", "W5", "W6", "W7");
    /** The workloads of a full run when {@code --workloads} is not given. */
    static final List<String> DEFAULT_NAMES = List.of("W1", "W2-4096");
    /** W6's rate limit (calls per second, set on instance {@code bench-limited}); it is offered twice that. */
    static final int W6_LIMIT = 1000;
    static final int SMALL_RESPONSE = 11;

    /** The workload called {@code name}, answered with {@code responseBytes}; {@code sized}: the size is part of its name. */
    static Workload named(String name, int responseBytes, boolean sized) {
        Workload w = named(name, responseBytes);
        return sized ? new Workload(name + "@" + responseBytes + "B", w.delayMs, w.keys, w.failOncePercent, w.outage, responseBytes, w.instance,
                w.hotPercent, w.offeredRate) : w;
    }

    private static Workload named(String name, int responseBytes) {
        return switch (name) {
            case "W1" -> backlog(name, 0, 1000, responseBytes);
            case "W2-16" -> backlog(name, 50, 16, responseBytes);
            case "W2-256" -> backlog(name, 50, 256, responseBytes);
            case "W2-4096" -> backlog(name, 50, 4096, responseBytes);
            case "W4-1" -> new Workload(name, 0, 1000, 1, Duration.ZERO, responseBytes, "bench", 0, 0);
            case "W4-10" -> new Workload(name, 0, 1000, 10, Duration.ZERO, responseBytes, "bench", 0, 0);
            case "W5" -> new Workload(name, 0, 1000, 0, Duration.ofSeconds(10), responseBytes, "bench", 0, 0);
            case "W6" -> new Workload(name, 0, 1000, 0, Duration.ZERO, responseBytes, "bench-limited", 0, 2 * W6_LIMIT);
            // One key takes a tenth of the traffic at 50 ms a call: in order it can take 20 calls a second, so 150/s are offered.
            case "W7" -> new Workload(name, 50, 4096, 0, Duration.ZERO, responseBytes, "bench", 10, 150);
            default -> throw new IllegalArgumentException("workload: '" + name + "' (expected one of " + NAMES + ")");
        };
    }

    private static Workload backlog(String name, long delayMs, int keys, int responseBytes) {
        return new Workload(name, delayMs, keys, 0, Duration.ZERO, responseBytes, "bench", 0, 0);
    }

    boolean paced() {
        return offeredRate > 0;
    }

    /** Whether an arm can run it: W6 needs the worker's rate limiter, which the baselines do not have. */
    boolean runs(String arm) {
        return !name.startsWith("W6") || arm.equals("worker") || arm.equals("queue");
    }

    /** The key of the i-th request and its sequence number within that key. */
    Key key(String keyPrefix, long i) {
        if (hotPercent > 0) {
            long perHundred = i % 100;
            long hundreds = i / 100;
            if (perHundred < hotPercent) {
                return new Key(keyPrefix + "hot", hundreds * hotPercent + perHundred);
            }
            long cold = hundreds * (100 - hotPercent) + perHundred - hotPercent;
            return new Key(keyPrefix + (cold % keys), cold / keys);
        }
        return new Key(keyPrefix + (i % keys), i / keys);
    }

    record Key(String name, long seq) {
    }
}
