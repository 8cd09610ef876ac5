package io.integration.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One process of the benchmark (an arm, or the stub API) as its own JVM on this classpath; ready when it prints a line
 * containing the marker. Keeps its last lines of output, so a failed arm can be shown, and counts the marker lines (a
 * worker prints one per assignment: more than one is a rebalance).
 */
final class ArmProcess implements AutoCloseable {

    private static final int KEPT_LINES = 40;

    private final String name;
    private final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final AtomicInteger markers = new AtomicInteger();
    private final Deque<String> lastLines = new ArrayDeque<>();
    private volatile String readyLine = "";

    private ArmProcess(String name, Process process, String marker) {
        this.name = name;
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    keep(line);
                    if (line.contains(marker)) {
                        markers.incrementAndGet();
                        if (ready.getCount() > 0) {
                            readyLine = line;
                            ready.countDown();
                        }
                    }
                    if (line.contains("ERROR") || line.contains("Exception") || line.contains("Circuit of")) {
                        System.err.println("    [" + name + "] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    /** Starts an arm: {@code mainClass} on {@code classpath} (null: the driver's own), with the JVM options of {@code BENCH_ARM_OPTS}. */
    static ArmProcess start(String name, String classpath, String mainClass, List<String> args, Map<String, String> env, String marker) {
        return start(name, classpath, mainClass, args, env, marker, true);
    }

    /** Starts {@code mainClass}; {@code armOptions}: with the JVM options of {@code BENCH_ARM_OPTS} (false for the stub API). */
    static ArmProcess start(String name, String classpath, String mainClass, List<String> args, Map<String, String> env, String marker,
                            boolean armOptions) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath != null ? classpath : System.getProperty("java.class.path"), "-Xmx1g", "-XX:+UseParallelGC",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.integration.avro", "-Dlogback.configurationFile=logback-bench.xml"));
        String extra = System.getenv().getOrDefault("BENCH_ARM_OPTS", "").strip();
        if (armOptions && !extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            return new ArmProcess(name, builder.start(), marker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void keep(String line) {
        synchronized (lastLines) {
            if (lastLines.size() == KEPT_LINES) {
                lastLines.removeFirst();
            }
            lastLines.addLast(line);
        }
    }

    /** Waits until the process says it is ready; false after {@code timeout}, or at once when its JVM has exited (a bad option, a crash). */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.await(100, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!process.isAlive()) {
                return ready.getCount() == 0;
            }
        }
        return false;
    }

    /** The first line that carried the marker ("" before). */
    String readyLine() {
        return readyLine;
    }

    /** How many lines carried the marker so far. */
    int markers() {
        return markers.get();
    }

    boolean alive() {
        return process.isAlive();
    }

    String name() {
        return name;
    }

    /** Its last lines of output, prefixed with its name, for a failure report. */
    String lastOutput() {
        synchronized (lastLines) {
            StringBuilder out = new StringBuilder("last output of " + name + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + ":\n");
            lastLines.forEach(line -> out.append("    | ").append(line).append('\n'));
            return out.toString();
        }
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the process used so far. */
    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
