package io.integration.bench;

/**
 * One arm's run of one workload.
 *
 * @param answered distinct request ids with a result within the time limit
 * @param lost requests without a result when the arm was given enough time to answer all (-1: timed run, not counted)
 */
record Measurement(String workload, String arm, int requests, int answered, double seconds, long cpuMicros,
                   long p50Ms, long p99Ms, long lost, long duplicateResults, long duplicateCalls, long reordered) {

    double throughput() {
        return seconds <= 0 ? 0 : answered / seconds;
    }

    double cpuMicrosPerRequest() {
        return answered == 0 ? 0 : (double) cpuMicros / answered;
    }
}
