package io.integration.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of the benchmark.
 *
 * @param pacedRate requests per second of the latency phase that follows each backlog run
 * @param pacedSeconds how long the latency phase lasts
 */
record Options(boolean smoke, List<Workload> workloads, List<String> arms, Duration naiveTime, Duration armTime,
               int pacedRate, int pacedSeconds) {

    static final List<String> ARMS = List.of("worker", "parallel-consumer", "skeleton", "naive");

    Duration maxTime(String arm) {
        return arm.equals("naive") ? naiveTime : armTime;
    }

    static Options parse(String[] args) {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        int requests = smoke ? 4096 : 20_000;
        List<String> names = smoke ? List.of("W1", "W2-4096") : Workload.NAMES;
        List<String> arms = smoke ? List.of("worker", "naive") : ARMS;
        int pacedRate = 200;
        int pacedSeconds = smoke ? 0 : 10;
        for (int i = 0; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                case "--workloads" -> names = List.of(args[i + 1].split(","));
                case "--arms" -> arms = List.of(args[i + 1].split(","));
                case "--paced-rate" -> pacedRate = Integer.parseInt(args[i + 1]);
                case "--paced-seconds" -> pacedSeconds = Integer.parseInt(args[i + 1]);
                default -> { }
            }
        }
        for (String arm : arms) {
            if (!ARMS.contains(arm)) {
                throw new IllegalArgumentException("arm: '" + arm + "' (expected one of " + ARMS + ")");
            }
        }
        int n = requests;
        return new Options(smoke, names.stream().map(name -> Workload.named(name, n)).toList(), arms,
                Duration.ofSeconds(smoke ? 10 : 20), Duration.ofSeconds(smoke ? 60 : 180), pacedRate, pacedSeconds);
    }
}
