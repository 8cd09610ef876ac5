package io.integration.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Prints the measurements as tables with ratios against the other arms of the same run, and checks floors and correctness. */
final class Report {

    private Report() {
    }

    static void print(List<Measurement> results, Options options) {
        System.out.println();
        System.out.println("| workload | arm | req/s | window spread | × naive | × PC | × skeleton | CPU µs/req | CPU × skeleton | driver µs/req | stub µs/req | cores used | live heap MiB | p50 / p99 ms |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Measurement m : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %s | %s | %s | %s | %.0f | %s | %.0f | %.0f | %.2f | %s | %s |%n",
                    m.workload(), m.arm(), m.throughput(), m.spreadPercent() < 0 ? "–" : String.format(Locale.ROOT, "±%.0f %%", m.spreadPercent()), ratio(m, results, "naive"), ratio(m, results, "parallel-consumer"),
                    ratio(m, results, "skeleton"), m.cpu().arm(), cpuRatio(m, results), m.cpu().driver(), m.cpu().stub(), m.cores(),
                    m.heapMiB() < 0 ? "–" : Long.toString(m.heapMiB()), m.p50Ms() < 0 ? "–" : m.p50Ms() + " / " + m.p99Ms());
        }
        System.out.println();
        System.out.println("| workload | arm | answered | lost | errors | dup results | dup calls | 503s injected | order violations | rebalances | calls/s at the stub |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Measurement m : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %d/%d | %s | %d | %d | %d | %d | %s | %d | %.0f%s |%n",
                    m.workload(), m.arm(), m.answered(), m.produced(), m.lost() < 0 ? "n/a (timed)" : Long.toString(m.lost()), m.errors(),
                    m.duplicateResults(), m.duplicateCalls(), m.failedCalls(), m.arm().startsWith("queue") ? "n/a (no order)" : Long.toString(m.reordered()),
                    m.rebalances(), m.callRate(), m.callRateSpreadPercent() < 0 ? "" : String.format(Locale.ROOT, " (±%.1f %%)", m.callRateSpreadPercent()));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Steady state: a warm-up of %d requests or %d s, then %d requests or %d s, whichever comes first, in windows of %d s"
                        + " (spread: the largest deviation of a window from the mean).%n",
                options.warmup(), options.warmupTime().toSeconds(), options.requests(), options.measureTime().toSeconds(), options.window().toSeconds());
        System.out.println("CPU per measured request of each process: the arm's JVM(s), the driver's JVM (embedded broker, MongoDB wire server, registry,");
        System.out.println("request producer and result reader) and the stub API's JVM; cores used: all three over the measured part.");
        System.out.printf(Locale.ROOT, "Live heap after a full GC right after the measured part, with the arm still busy; latency from produce to result at a paced %d req/s for %d s"
                + " (W6, W7: over their offered rate; – when the arm cannot sustain it). Skeleton: %d calls in flight, on Jetty's HTTP client (skeleton-jdk: on the JDK's).%n",
                options.pacedRate(), options.pacedSeconds(), options.skeletonInFlight());
    }

    private static String ratio(Measurement m, List<Measurement> all, String baseline) {
        if (m.arm().equals(baseline)) {
            return "1.0×";
        }
        return find(all, m.workload(), baseline).filter(b -> b.throughput() > 0)
                .map(b -> String.format(Locale.ROOT, "%.2f×", m.throughput() / b.throughput())).orElse("–");
    }

    private static String cpuRatio(Measurement m, List<Measurement> all) {
        return find(all, m.workload(), "skeleton").filter(b -> b.cpu().arm() > 0)
                .map(b -> String.format(Locale.ROOT, "%.2f×", m.cpu().arm() / b.cpu().arm())).orElse("–");
    }

    private static Optional<Measurement> find(List<Measurement> all, String workload, String arm) {
        return all.stream().filter(x -> x.workload().equals(workload) && x.arm().equals(arm)).findFirst();
    }

    /**
     * The worker's correctness over every workload: nothing lost, no duplicate result or call, no order violation; on W6
     * the stub saw the rate limit within 2 % and no rebalance happened. Returns the number of failed checks.
     */
    static int checkCorrectness(List<Measurement> results) {
        int failures = 0;
        for (Measurement m : results) {
            if (!m.arm().startsWith("worker") && !m.arm().startsWith("queue")) {
                continue;
            }
            boolean ordered = m.arm().startsWith("worker");
            if (m.lost() != 0 || m.duplicateResults() != 0 || m.duplicateCalls() != 0 || (ordered && m.reordered() != 0)) {
                System.out.printf("bench: FAILED correctness of %s on %s: lost %s, duplicate results %d, duplicate calls %d, order violations %d%n",
                        m.arm(), m.workload(), m.lost() < 0 ? "not all answered in time" : m.lost(), m.duplicateResults(), m.duplicateCalls(), m.reordered());
                failures++;
            }
            if (m.workload().startsWith("W6")) {
                double deviation = Math.abs(m.callRate() - Workload.W6_LIMIT) / Workload.W6_LIMIT * 100;
                boolean ok = deviation <= 2 && m.rebalances() == 0;
                System.out.printf(Locale.ROOT, "bench: W6 %s: %.0f calls/s against a limit of %d/s (%.1f %% off, ±2 %% allowed), %d rebalance(s) %s%n",
                        m.arm(), m.callRate(), Workload.W6_LIMIT, deviation, m.rebalances(), ok ? "ok" : "FAILED");
                failures += ok ? 0 : 1;
            }
        }
        return failures;
    }

    /**
     * The CI floors: ratios against the realistic naive loop and Parallel Consumer measured in the same run, and every
     * correctness check; returns the number of failed checks. The floors hold on a 2-core machine that also runs the
     * broker, MongoDB and the stub (docs/performance.md has the figures they come from).
     */
    static int checkSmoke(List<Measurement> results) {
        int failures = checkCorrectness(results);
        failures += floor(results, "W1", "naive", SmokeFloors.W1_NAIVE);
        failures += floor(results, "W2-4096", "naive", SmokeFloors.W2_NAIVE);
        failures += floor(results, "W1", "parallel-consumer", SmokeFloors.W1_PC);
        failures += floor(results, "W2-4096", "parallel-consumer", SmokeFloors.W2_PC);
        return failures;
    }

    /** The smoke's floors (worker throughput over the baseline's, same run). */
    static final class SmokeFloors {
        static final double W1_NAIVE = 0.7;
        static final double W2_NAIVE = 25.0;
        static final double W1_PC = 0.7;
        static final double W2_PC = 0.6;

        private SmokeFloors() {
        }
    }

    private static int floor(List<Measurement> results, String workload, String baseline, double min) {
        Optional<Measurement> worker = find(results, workload, "worker");
        Optional<Measurement> base = find(results, workload, baseline);
        if (worker.isEmpty() || base.isEmpty() || base.get().throughput() <= 0) {
            System.out.println("bench-smoke: FAILED: no worker/" + baseline + " measurement for " + workload);
            return 1;
        }
        double ratio = worker.get().throughput() / base.get().throughput();
        boolean ok = ratio >= min;
        System.out.printf(Locale.ROOT, "bench-smoke: %s worker/%s = %.2f× (floor %.2f×) %s%n", workload, baseline, ratio, min, ok ? "ok" : "FAILED");
        return ok ? 0 : 1;
    }
}
