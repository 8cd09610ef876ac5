package io.integration.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of the benchmark.
 *
 * @param pacedRate requests per second of the latency phase that follows each backlog run
 * @param pacedSeconds how long the latency phase lasts
 * @param workers processes per run of the worker and queue arms, one run per count ({@code --workers 1,3})
 * @param partitions partitions of each run's requests topic ({@code --partitions}, default 6)
 * @param maxInFlight the worker and queue arms' {@code worker.max.in.flight}, or 0 for their default ({@code --max-in-flight})
 */
record Options(boolean smoke, List<Workload> workloads, List<String> arms, Duration naiveTime, Duration armTime,
               int pacedRate, int pacedSeconds, List<Integer> workers, int partitions, int maxInFlight) {

    /** {@code queue}: the worker in queue mode (a share group on the requests topic, requests without an orderingKey). */
    static final List<String> ARMS = List.of("worker", "queue", "parallel-consumer", "skeleton", "naive");
    /** The arms of a full run when {@code --arms} is not given. */
    static final List<String> DEFAULT_ARMS = List.of("worker", "parallel-consumer", "skeleton", "naive");

    Duration maxTime(String arm) {
        return arm.equals("naive") ? naiveTime : armTime;
    }

    static Options parse(String[] args) {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        int requests = smoke ? 4096 : 20_000;
        List<String> names = smoke ? List.of("W1", "W2-4096") : Workload.NAMES;
        List<String> arms = smoke ? List.of("worker", "naive") : DEFAULT_ARMS;
        List<Integer> workers = List.of(1);
        int partitions = 6;
        int maxInFlight = 0;
        int pacedRate = 200;
        int pacedSeconds = smoke ? 0 : 10;
        for (int i = 0; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                case "--workloads" -> names = List.of(args[i + 1].split(","));
                case "--arms" -> arms = List.of(args[i + 1].split(","));
                case "--paced-rate" -> pacedRate = Integer.parseInt(args[i + 1]);
                case "--paced-seconds" -> pacedSeconds = Integer.parseInt(args[i + 1]);
                case "--workers" -> workers = java.util.Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
                case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
                case "--max-in-flight" -> maxInFlight = Integer.parseInt(args[i + 1]);
                default -> { }
            }
        }
        for (String arm : arms) {
            if (!ARMS.contains(arm)) {
                throw new IllegalArgumentException("arm: '" + arm + "' (expected one of " + ARMS + ")");
            }
        }
        if (workers.isEmpty() || workers.stream().anyMatch(w -> w < 1 || w > 8)) {
            throw new IllegalArgumentException("--workers: " + workers + " (expected: counts from 1 to 8, comma-separated)");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions: " + partitions + " (expected: >= 1)");
        }
        int n = requests;
        return new Options(smoke, names.stream().map(name -> Workload.named(name, n)).toList(), arms,
                Duration.ofSeconds(smoke ? 10 : 20), Duration.ofSeconds(smoke ? 60 : 180), pacedRate, pacedSeconds, workers, partitions,
                maxInFlight);
    }
}
