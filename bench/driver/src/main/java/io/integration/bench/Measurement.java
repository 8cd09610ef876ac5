package io.integration.bench;

/**
 * One arm's run of one workload.
 *
 * @param answered distinct request ids with a result within the time limit (warm-up included)
 * @param throughput requests per second after the warm-up
 * @param lost requests without a result when the arm was given enough time to answer all (-1: timed run, not counted)
 * @param errors results with status ERROR
 * @param heapMiB live heap after a full GC halfway through the run (-1: not measured)
 * @param p50Ms median latency of the paced phase, produce to result (-1: no paced phase)
 * @param failedCalls calls the stub answered 503 on purpose (the workload's faults)
 */
record Measurement(String workload, String arm, int requests, int answered, double throughput, double cpuMicrosPerRequest,
                   long heapMiB, int pacedRate, long p50Ms, long p99Ms, long lost, long errors, long duplicateResults,
                   long duplicateCalls, long failedCalls, long reordered) {
}
