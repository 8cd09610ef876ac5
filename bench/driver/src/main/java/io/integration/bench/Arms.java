package io.integration.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/** The processes of one arm (one, or several workers of one group): ready together, their CPU summed, closed together. */
final class Arms implements AutoCloseable {

    private final List<ArmProcess> processes = new ArrayList<>();

    /** Starts {@code count} processes, the i-th from {@code start.apply(i)}. */
    static Arms start(int count, IntFunction<ArmProcess> start) {
        Arms arms = new Arms();
        for (int i = 0; i < count; i++) {
            arms.processes.add(start.apply(i));
        }
        return arms;
    }

    /** Waits until every process is ready; false as soon as one is not (its JVM exited, or the timeout passed). */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ArmProcess process : processes) {
            if (!process.awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** Throws, with the last output of each process, when one has exited: a run must not wait out its time limit for a dead arm. */
    void checkAlive() {
        if (processes.stream().anyMatch(p -> !p.alive())) {
            throw new ArmFailed("an arm process exited during the run", this);
        }
    }

    /** The first process's pid (the live heap is measured there). */
    long pid() {
        return processes.getFirst().pid();
    }

    /** CPU time all processes used so far. */
    Duration cpu() {
        return processes.stream().map(ArmProcess::cpu).reduce(Duration.ZERO, Duration::plus);
    }

    /** Assignments beyond each process's first: consumer-group rebalances during the run (the worker prints one line per assignment). */
    int rebalances() {
        return processes.stream().mapToInt(p -> Math.max(0, p.markers() - 1)).sum();
    }

    String lastOutput() {
        return processes.stream().map(ArmProcess::lastOutput).collect(Collectors.joining());
    }

    @Override
    public void close() throws InterruptedException {
        for (ArmProcess process : processes) {
            process.close();
        }
    }

    /** An arm that did not start or died: the benchmark stops at once, printing what the arm said last. */
    static final class ArmFailed extends IllegalStateException {
        ArmFailed(String what, Arms arms) {
            super(what + "\n" + arms.lastOutput());
        }
    }
}
