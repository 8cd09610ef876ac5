package io.integration.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Prints the measurements as a table with ratios against the other arms of the same run, and checks the smoke floors. */
final class Report {

    private Report() {
    }

    static void print(List<Measurement> results, Options options) {
        System.out.println();
        System.out.println("| workload | arm | req/s | × naive | × PC | × skeleton | CPU µs/req | live heap MiB | paced p50 / p99 ms | answered | lost | errors | dup results | dup calls | 503s injected | order violations |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Measurement m : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %s | %s | %s | %.0f | %s | %s | %d/%d | %s | %d | %d | %d | %d | %s |%n",
                    m.workload(), m.arm(), m.throughput(), ratio(m, results, "naive"), ratio(m, results, "parallel-consumer"),
                    ratio(m, results, "skeleton"), m.cpuMicrosPerRequest(), m.heapMiB() < 0 ? "–" : Long.toString(m.heapMiB()),
                    m.p50Ms() < 0 ? "–" : m.p50Ms() + " / " + m.p99Ms(), m.answered(), m.requests(),
                    m.lost() < 0 ? "n/a (timed)" : Long.toString(m.lost()), m.errors(), m.duplicateResults(), m.duplicateCalls(),
                    m.failedCalls(), m.arm().startsWith("queue") ? "n/a (no order)" : Long.toString(m.reordered()));
        }
        System.out.println();
        System.out.println("Throughput over a backlog after a warm-up share; CPU per request of the arm's JVM over the same span; live heap after a");
        System.out.printf(Locale.ROOT, "full GC halfway through; latency from produce to result at a paced %d req/s for %d s (– when the arm cannot sustain it).%n",
                options.pacedRate(), options.pacedSeconds());
    }

    private static String ratio(Measurement m, List<Measurement> all, String baseline) {
        if (m.arm().equals(baseline)) {
            return "1.0×";
        }
        return find(all, m.workload(), baseline).filter(b -> b.throughput() > 0)
                .map(b -> String.format(Locale.ROOT, "%.1f×", m.throughput() / b.throughput())).orElse("–");
    }

    private static Optional<Measurement> find(List<Measurement> all, String workload, String arm) {
        return all.stream().filter(x -> x.workload().equals(workload) && x.arm().equals(arm)).findFirst();
    }

    /**
     * The CI floors: generous ratios and every correctness check; returns the number of failed checks. At 50 ms
     * the naive loop is pinned near 20 req/s while the worker is CPU-bound on a box it shares with the broker,
     * MongoDB and the stub: it measured 47–70× here, so the floor is 25×, not the 50× that would fail every
     * other run (docs/performance.md).
     */
    static int checkSmoke(List<Measurement> results) {
        int failures = 0;
        failures += floor(results, "W1", 2.0);
        failures += floor(results, "W2-4096", 25.0);
        for (Measurement m : results) {
            if (m.arm().equals("worker") && (m.lost() != 0 || m.duplicateResults() != 0 || m.duplicateCalls() != 0 || m.reordered() != 0)) {
                System.out.printf("bench-smoke: FAILED correctness on %s: lost %d, duplicate results %d, duplicate calls %d, order violations %d%n",
                        m.workload(), m.lost(), m.duplicateResults(), m.duplicateCalls(), m.reordered());
                failures++;
            }
        }
        return failures;
    }

    private static int floor(List<Measurement> results, String workload, double min) {
        Optional<Measurement> worker = find(results, workload, "worker");
        Optional<Measurement> naive = find(results, workload, "naive");
        if (worker.isEmpty() || naive.isEmpty() || naive.get().throughput() <= 0) {
            System.out.println("bench-smoke: FAILED: no worker/naive measurement for " + workload);
            return 1;
        }
        double ratio = worker.get().throughput() / naive.get().throughput();
        boolean ok = ratio >= min;
        System.out.printf(Locale.ROOT, "bench-smoke: %s worker/naive = %.1f× (floor %.0f×) %s%n", workload, ratio, min, ok ? "ok" : "FAILED");
        return ok ? 0 : 1;
    }
}
