package io.integration.worker.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worker as a separate OS process, configured only through {@code WORKER_*} environment variables,
 * exactly as a deployment would. Output goes to a file in {@code target/} for diagnosis.
 */
final class WorkerProcess {

    private final Process process;

    private WorkerProcess(Process process) {
        this.process = process;
    }

    static WorkerProcess start(Map<String, String> settings, String logName) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Xmx512m",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.integration.avro",
                "io.integration.worker.app.WorkerMain"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            Path logs = Files.createDirectories(Path.of("target", "worker-processes"));
            builder.redirectOutput(new File(logs.toFile(), logName + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.forEach((key, value) -> builder.environment().put("WORKER_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        try {
            return new WorkerProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook, nothing drained or committed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the drain to finish; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("worker did not exit within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }
}
