package io.integration.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** One benchmark arm as its own JVM on this classpath; ready when it prints a line containing the marker. */
final class ArmProcess implements AutoCloseable {

    private final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);

    private ArmProcess(Process process, String marker) {
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains(marker)) {
                        ready.countDown();
                    }
                    if (line.contains("ERROR") || line.contains("Exception") || line.contains("Circuit of")) {
                        System.err.println("    [arm] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    /** Starts {@code mainClass} on {@code classpath} (null: the driver's own). */
    static ArmProcess start(String classpath, String mainClass, List<String> args, Map<String, String> env, String marker) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath != null ? classpath : System.getProperty("java.class.path"), "-Xmx1g", "-XX:+UseParallelGC",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.integration.avro", "-Dlogback.configurationFile=logback-bench.xml"));
        String extra = System.getenv().getOrDefault("BENCH_ARM_OPTS", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            return new ArmProcess(builder.start(), marker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the arm says it is ready; false after {@code timeout}, or at once when its JVM has exited (a bad option, a crash). */
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
