package io.integration.bench;

/** A benchmark workload: how long the stub takes to answer and over how many keys the requests spread. */
record Workload(String name, long delayMs, int keys, int requests) {
}
