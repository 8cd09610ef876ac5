package io.integration.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of the chaos cluster as its own OS process on this classpath. Its output goes to a log file in the
 * run directory; it is ready once it prints a line containing its marker. Signals are real: SIGKILL, SIGTERM,
 * SIGSTOP and SIGCONT.
 */
final class Child {

    private final String name;
    private final Process process;
    private final Path log;
    private final CountDownLatch ready = new CountDownLatch(1);

    private Child(String name, Process process, String marker, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread.ofPlatform().daemon().name(name + "-output").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    if (line.contains(marker)) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    /** The file its output goes to. */
    Path log() {
        return log;
    }

    /** Starts {@code mainClass} with {@code args} and {@code env}, logging to {@code log}; waits until ready. */
    static Child start(String name, String mainClass, List<String> args, Map<String, String> env, String marker, Path log, String heap) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.integration.avro", "-Dlogback.configurationFile=logback-chaos.xml",
                "--enable-native-access=ALL-UNNAMED", mainClass));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Child child;
        try {
            child = new Child(name, builder.start(), marker, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!child.ready.await(200, TimeUnit.MILLISECONDS)) {
                if (!child.process.isAlive()) {
                    throw new IllegalStateException(name + " exited (code " + child.process.exitValue() + ") before printing '" + marker
                            + "'; see " + log);
                }
                if (System.nanoTime() > deadline) {
                    child.kill();
                    throw new IllegalStateException(name + " did not print '" + marker + "' within 120 s; see " + log);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return child;
    }

    String name() {
        return name;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, and wait until it is gone. */
    void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGTERM (a graceful drain), and wait up to {@code grace}; SIGKILL after that. */
    void terminate(Duration grace) {
        process.toHandle().destroy();
        if (!waitFor(grace)) {
            kill();
        }
    }

    /** Writes {@code line} to the process's standard input. */
    void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to " + name, e);
        }
    }

    void pause() {
        signal("STOP");
    }

    void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
