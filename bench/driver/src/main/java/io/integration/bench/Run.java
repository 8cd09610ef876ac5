package io.integration.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One arm's run of one workload, measured in steady state:
 * <ol>
 *   <li><b>warm-up</b> until {@link Options#warmup()} requests are answered or {@link Options#warmupTime()} has passed;</li>
 *   <li><b>measured part</b> until {@link Options#requests()} more are answered or {@link Options#measureTime()} has passed,
 *       cut into windows whose spread shows whether the figure still moved; CPU of every process (the arm's, the driver's
 *       JVM with the broker and MongoDB, the stub's) taken at both ends;</li>
 *   <li><b>live heap</b> of the (first) arm process after a full GC, its calls still in flight;</li>
 *   <li><b>drain</b>: what is still queued is answered, so lost requests, duplicates and order violations count over all;</li>
 *   <li><b>latency</b> at a paced rate (backlog workloads; the paced workloads W6 and W7 measure it during the run).</li>
 * </ol>
 * A backlog workload keeps a few seconds of work queued ahead of the arm (a feeder thread tops it up as it goes), so the
 * arm never waits for input and the drain stays short; a paced workload produces at its offered rate. An arm whose process exits fails
 * the run at once ({@link Arms#checkAlive()}).
 */
final class Run {

    /** Where the requests go: the requests topic, the id prefix, and whether they carry an orderingKey. */
    record Target(String topic, String prefix, boolean ordered) {
    }

    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration MAX_DRAIN = Duration.ofMinutes(5);

    private final Workload workload;
    private final String label;
    private final Options options;
    private final Target target;
    private final Backlog backlog;
    private final StubClient stub;
    private final Arms arms;
    private final ResultReader reader;
    private final Map<String, Long> sentAt = Backlog.sentTimes();
    /** Requests produced so far (the feeder's count for a backlog; the paced producer's at its end). */
    private final java.util.concurrent.atomic.AtomicLong producedCount = new java.util.concurrent.atomic.AtomicLong();
    /** What the reader has seen answered, for the feeder (which keeps {@link #queuedTarget} requests ahead of it). */
    private final java.util.concurrent.atomic.AtomicLong answeredSeen = new java.util.concurrent.atomic.AtomicLong();
    private volatile long queuedTarget;
    private long produced;

    Run(Workload workload, String label, Options options, Target target, Backlog backlog, StubClient stub, Arms arms, ResultReader reader) {
        this.workload = workload;
        this.label = label;
        this.options = options;
        this.target = target;
        this.backlog = backlog;
        this.stub = stub;
        this.arms = arms;
        this.reader = reader;
    }

    /** What is measured at one instant. */
    private record Snapshot(long nanos, long wallMillis, long answered, Duration armCpu, Duration driverCpu, Duration stubCpu, long calls) {
    }

    private Snapshot snapshot() {
        return new Snapshot(System.nanoTime(), System.currentTimeMillis(), reader.answered(), arms.cpu(),
                ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO), stub.cpu(), stub.stats().answered());
    }

    /** Runs the phases; {@code awaitAll}: give the arm time to answer everything (false for the naive loops, which would take hours). */
    Measurement measure(boolean awaitAll) throws InterruptedException {
        int minQueued = options.smoke() ? 2_000 : 5_000;
        queuedTarget = minQueued;
        AtomicBoolean stopProducing = new AtomicBoolean();
        Thread feeder = workload.paced() ? null : Thread.ofPlatform().name("bench-feeder").start(() -> backlog.feed(target.topic(),
                target.prefix(), workload, target.ordered(), producedCount, () -> queuedTarget - (producedCount.get() - answeredSeen.get()),
                stopProducing::get));
        try {
            if (!arms.awaitReady(Duration.ofSeconds(90))) {
                throw new Arms.ArmFailed(label + " did not become ready within 90 s, or its JVM exited", arms);
            }
            return phases(awaitAll, minQueued, stopProducing, feeder);
        } finally {
            stopProducing.set(true);
        }
    }

    private Measurement phases(boolean awaitAll, int minQueued, AtomicBoolean stopProducing, Thread feeder) throws InterruptedException {
        boolean outage = workload.outage().isPositive();
        Thread paced = workload.paced() ? Thread.ofPlatform().name("bench-paced").start(() -> backlog.producePaced(target.topic(),
                target.prefix(), "k", workload, workload.offeredRate(), target.ordered(), sentAt, stopProducing::get)) : null;
        if (outage) {
            stub.scheduleOutage(Duration.ofSeconds(2), workload.outage());
        }
        long start = System.nanoTime();
        // An outage is measured from the start: a warm-up could end after it and hide the stall.
        Duration warmupTime = outage ? Duration.ZERO : options.warmupTime();
        int warmup = outage ? 0 : options.warmup();
        long lastSecondAnswered = 0;
        long lastSecondAt = start;
        long rate = 0;
        Snapshot warm = null;
        Snapshot window = null;
        List<Double> windowRates = new ArrayList<>();
        List<Double> callRates = new ArrayList<>();
        Snapshot end;
        while (true) {
            reader.poll(TICK);
            arms.checkAlive();
            long now = System.nanoTime();
            if (now - lastSecondAt >= 1_000_000_000L) {
                rate = reader.answered() - lastSecondAnswered;
                lastSecondAnswered = reader.answered();
                lastSecondAt = now;
            }
            answeredSeen.set(reader.answered());
            queuedTarget = Math.max(minQueued, 3 * rate);
            if (warm == null) {
                if (reader.answered() >= warmup || now - start >= warmupTime.toNanos()) {
                    warm = snapshot();
                    window = warm;
                }
                continue;
            }
            long measured = reader.answered() - warm.answered();
            long elapsed = now - warm.nanos();
            if (now - window.nanos() >= options.window().toNanos()) {
                Snapshot next = snapshot();
                double seconds = (next.nanos() - window.nanos()) / 1e9;
                windowRates.add((next.answered() - window.answered()) / seconds);
                callRates.add((next.calls() - window.calls()) / seconds);
                window = next;
            }
            if (measured >= options.requests() || elapsed >= options.measureTime().toNanos()) {
                end = snapshot();
                break;
            }
        }
        // After the measured part, not in it: the full GC stops the arm for a while. Its work is still queued and in flight.
        long heap = HeapProbe.liveHeapMiB(arms.pid());
        stopProducing.set(true);
        if (paced != null) {
            paced.join();
            produced = sentAt.size();
        } else {
            feeder.join();
            produced = producedCount.get();
        }
        double seconds = (end.nanos() - warm.nanos()) / 1e9;
        long measured = end.answered() - warm.answered();
        double throughput = measured / seconds;

        boolean complete = awaitAll && drain(throughput);
        long answered = reader.answered();
        Latency latency = workload.paced() ? latencySince(warm.wallMillis()) : Latency.NONE;
        if (!workload.paced() && complete && options.pacedSeconds() > 0 && throughput >= 1.25 * options.pacedRate()) {
            latency = pacedLatency();
        }
        StubClient.Stats stats = stub.stats();
        double perRequest = Math.max(1, measured);
        Measurement.Cpu cpu = new Measurement.Cpu(micros(end.armCpu().minus(warm.armCpu())) / perRequest,
                micros(end.driverCpu().minus(warm.driverCpu())) / perRequest, micros(end.stubCpu().minus(warm.stubCpu())) / perRequest);
        double callRate = (end.calls() - warm.calls()) / seconds;
        return new Measurement(workload.name(), label, produced, answered, throughput, spread(windowRates, throughput), seconds,
                cpu, cpu.total() * throughput / 1e6, heap, latency.p50(), latency.p99(), complete ? produced - answered : -1,
                reader.errors(), reader.duplicates(), stats.duplicateCalls(), stats.failed(), stats.reordered(), arms.rebalances(),
                callRate, spread(callRates, callRate));
    }

    /** Waits until every produced request is answered, for as long as the measured rate says that takes (with margin). */
    private boolean drain(double throughput) {
        long waiting = produced - reader.answered();
        Duration expected = Duration.ofMillis((long) (waiting * 1500 / Math.max(1, throughput)));
        Duration budget = expected.compareTo(options.drainTime()) > 0 ? expected : options.drainTime();
        long deadline = System.nanoTime() + (budget.compareTo(MAX_DRAIN) > 0 ? MAX_DRAIN : budget).toNanos();
        while (reader.answered() < produced && System.nanoTime() < deadline) {
            reader.poll(TICK);
            arms.checkAlive();
        }
        return reader.answered() >= produced;
    }

    /** Produces at the paced rate for the paced time (keys apart from the backlog's) and measures produce-to-result latency. */
    private Latency pacedLatency() {
        Map<String, Long> paced = Backlog.sentTimes();
        long until = System.nanoTime() + Duration.ofSeconds(options.pacedSeconds()).toNanos();
        long count = backlog.producePaced(target.topic(), target.prefix() + "-paced", "p", workload, options.pacedRate(), target.ordered(),
                paced, () -> System.nanoTime() >= until);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (reader.answered() < produced + count && System.nanoTime() < deadline) {
            reader.poll(TICK);
        }
        return Latency.of(paced, reader);
    }

    private Latency latencySince(long wallMillis) {
        Map<String, Long> measured = new java.util.HashMap<>();
        sentAt.forEach((id, at) -> {
            if (at >= wallMillis) {
                measured.put(id, at);
            }
        });
        return Latency.of(measured, reader);
    }

    private static double micros(Duration cpu) {
        return cpu.toNanos() / 1000.0;
    }

    /** The largest deviation of a window's rate from {@code mean}, in percent (-1 with fewer than two windows: not known). */
    private static double spread(List<Double> rates, double mean) {
        if (rates.size() < 2 || mean <= 0) {
            return -1;
        }
        return rates.stream().mapToDouble(r -> Math.abs(r - mean) / mean * 100).max().orElse(0);
    }

    /** Produce-to-result latency percentiles. */
    record Latency(long p50, long p99) {
        static final Latency NONE = new Latency(-1, -1);

        static Latency of(Map<String, Long> sentAt, ResultReader reader) {
            List<Long> latencies = new ArrayList<>();
            sentAt.forEach((id, at) -> {
                Long answeredAt = reader.resultTimestamp(id);
                if (answeredAt != null) {
                    latencies.add(answeredAt - at);
                }
            });
            if (latencies.isEmpty()) {
                return NONE;
            }
            List<Long> sorted = latencies.stream().sorted().toList();
            return new Latency(at(sorted, 50), at(sorted, 99));
        }

        private static long at(List<Long> sorted, int p) {
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
        }
    }
}
