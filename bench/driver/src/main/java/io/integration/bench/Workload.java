package io.integration.bench;

import java.time.Duration;
import java.util.List;

/**
 * A benchmark workload: how long the stub takes to answer, over how many keys the requests spread, and the
 * faults it injects.
 *
 * @param failOncePercent share of requests whose first call is answered 503 (W4)
 * @param outage how long every call is answered 503, starting two seconds into the run (W5); zero for none
 */
record Workload(String name, long delayMs, int keys, int requests, int failOncePercent, Duration outage) {

    static final List<String> NAMES = List.of("W1", "W2-16", "W2-256", "W2-4096", "W4-1", "W4-10", "W5");

    static Workload named(String name, int requests) {
        return switch (name) {
            case "W1" -> new Workload(name, 0, 1000, requests, 0, Duration.ZERO);
            case "W2-16" -> new Workload(name, 50, 16, requests, 0, Duration.ZERO);
            case "W2-256" -> new Workload(name, 50, 256, requests, 0, Duration.ZERO);
            case "W2-4096" -> new Workload(name, 50, 4096, requests, 0, Duration.ZERO);
            case "W4-1" -> new Workload(name, 0, 1000, requests, 1, Duration.ZERO);
            case "W4-10" -> new Workload(name, 0, 1000, requests, 10, Duration.ZERO);
            case "W5" -> new Workload(name, 0, 1000, requests, 0, Duration.ofSeconds(10));
            default -> throw new IllegalArgumentException("workload: '" + name + "' (expected one of " + NAMES + ")");
        };
    }
}
