package io.integration.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of the benchmark.
 *
 * @param warmup requests answered before measuring (or {@code warmupTime}, whichever comes first)
 * @param requests the measured part ends after this many requests (or {@code measureTime}, whichever comes first)
 * @param window the measured part is cut into windows of this length; their spread says whether the run was steady
 * @param drainTime how long an arm gets, after the measured part, to answer what is still queued (0: not waited for)
 * @param pacedRate requests per second of the latency phase that follows each backlog run
 * @param pacedSeconds how long the latency phase lasts
 * @param workers processes per run of the worker and queue arms, one run per count ({@code --workers 1,3})
 * @param partitions partitions of each run's requests topic ({@code --partitions}, default 6)
 * @param maxInFlight the worker and queue arms' {@code worker.max.in.flight}, one run per value ({@code --max-in-flight 64,256});
 *                    0 for their default
 * @param skeletonInFlight calls the skeleton keeps in flight ({@code --skeleton-in-flight})
 */
record Options(boolean smoke, List<Workload> workloads, List<String> arms, int warmup, Duration warmupTime, int requests,
               Duration measureTime, Duration window, Duration drainTime, int pacedRate, int pacedSeconds, List<Integer> workers,
               int partitions, List<Integer> maxInFlight, int skeletonInFlight) {

    /**
     * {@code queue}: the worker in queue mode (a share group on the requests topic, requests without an orderingKey).
     * {@code naive}: the loop people write (call each record of a poll, produce asynchronously, flush and commit once per
     * poll); {@code naive-per-record}: waiting for every send and committing every record.
     */
    static final List<String> ARMS = List.of("worker", "worker-jdk", "queue", "parallel-consumer", "skeleton", "skeleton-jdk", "naive",
            "naive-per-record");
    /** The arms of a full run when {@code --arms} is not given. */
    static final List<String> DEFAULT_ARMS = List.of("worker", "worker-jdk", "parallel-consumer", "skeleton", "skeleton-jdk", "naive");
    /** The skeleton's calls in flight: the best of 64, 256 and 1,000 measured here (docs/performance.md). */
    static final int SKELETON_IN_FLIGHT = 256;

    static Options parse(String[] args) {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        int warmup = smoke ? 2_000 : 20_000;
        int requests = smoke ? 8_000 : 100_000;
        int measureSeconds = smoke ? 10 : 60;
        int warmupSeconds = smoke ? 5 : 20;
        List<String> names = smoke ? List.of("W1", "W2-4096") : Workload.DEFAULT_NAMES;
        List<String> arms = smoke ? List.of("worker", "parallel-consumer", "naive") : DEFAULT_ARMS;
        List<Integer> workers = List.of(1);
        int partitions = 6;
        List<Integer> maxInFlight = List.of(0);
        int skeletonInFlight = SKELETON_IN_FLIGHT;
        List<Integer> responseBytes = List.of(Workload.SMALL_RESPONSE);
        int pacedRate = 200;
        int pacedSeconds = smoke ? 0 : 10;
        for (int i = 0; i < args.length - 1; i++) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--warmup" -> warmup = positive("--warmup", value, 0);
                case "--requests" -> requests = positive("--requests", value, 1);
                case "--seconds" -> measureSeconds = positive("--seconds", value, 1);
                case "--warmup-seconds" -> warmupSeconds = positive("--warmup-seconds", value, 0);
                case "--workloads" -> names = List.of(value.split(","));
                case "--arms" -> arms = List.of(value.split(","));
                case "--paced-rate" -> pacedRate = positive("--paced-rate", value, 1);
                case "--paced-seconds" -> pacedSeconds = positive("--paced-seconds", value, 0);
                case "--workers" -> workers = Arrays.stream(value.split(",")).map(w -> positive("--workers", w, 1)).toList();
                case "--partitions" -> partitions = positive("--partitions", value, 1);
                case "--max-in-flight" -> maxInFlight = Arrays.stream(value.split(",")).map(m -> positive("--max-in-flight", m, 1)).toList();
                case "--skeleton-in-flight" -> skeletonInFlight = positive("--skeleton-in-flight", value, 1);
                case "--response-bytes" -> responseBytes = Arrays.stream(value.split(",")).map(b -> positive("--response-bytes", b, 1)).toList();
                default -> { }
            }
        }
        for (String arm : arms) {
            if (!ARMS.contains(arm)) {
                throw new IllegalArgumentException("--arms: '" + arm + "' (expected some of " + ARMS + ")");
            }
        }
        if (workers.stream().anyMatch(w -> w > 8)) {
            throw new IllegalArgumentException("--workers: " + workers + " (expected: counts from 1 to 8, comma-separated)");
        }
        List<Integer> sizes = responseBytes;
        // One workload per name and response size; named with the size when several are measured ("W1@1024B").
        List<Workload> workloads = names.stream().flatMap(name -> sizes.stream().map(bytes -> Workload.named(name, bytes, sizes.size() > 1))).toList();
        return new Options(smoke, workloads, arms, warmup,
                Duration.ofSeconds(warmupSeconds), requests, Duration.ofSeconds(measureSeconds), Duration.ofSeconds(smoke ? 1 : 2),
                Duration.ofSeconds(smoke ? 30 : 60), pacedRate, pacedSeconds, workers, partitions, maxInFlight, skeletonInFlight);
    }

    private static int positive(String option, String value, int min) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(option + ": '" + value + "' (expected: an integer >= " + min + ")");
    }
}
