package io.integration.bench;

/**
 * One arm's run of one workload.
 *
 * @param produced requests produced in the run (warm-up, measured part and what was queued behind it)
 * @param answered distinct request ids with a result (warm-up included)
 * @param throughput requests per second over the measured part
 * @param spreadPercent the largest deviation of a window's throughput from the measured part's mean, in percent
 * @param seconds length of the measured part
 * @param cpu CPU per request over the measured part, per process
 * @param cores cores the processes used over the measured part (arm, driver, stub together)
 * @param heapMiB live heap after a full GC halfway through the measured part (-1: not measured)
 * @param p50Ms median latency from produce to result (-1: no latency measured)
 * @param lost requests without a result when the arm was given time to answer all (-1: timed run, not counted)
 * @param errors results with status ERROR
 * @param failedCalls calls the stub answered 503 on purpose (the workload's faults)
 * @param rebalances assignments beyond each process's first
 * @param callRate successful calls per second at the stub over the measured part (W6: the rate limiter's accuracy)
 * @param callRateSpreadPercent the largest deviation of a window's call rate from {@code callRate}, in percent
 */
record Measurement(String workload, String arm, long produced, long answered, double throughput, double spreadPercent, double seconds,
                   Cpu cpu, double cores, long heapMiB, long p50Ms, long p99Ms, long lost, long errors, long duplicateResults,
                   long duplicateCalls, long failedCalls, long reordered, int rebalances, double callRate, double callRateSpreadPercent) {

    /** CPU microseconds per measured request: the arm's processes, the driver's JVM (broker, MongoDB, registry, load) and the stub's. */
    record Cpu(double arm, double driver, double stub) {
        double total() {
            return arm + driver + stub;
        }
    }
}
