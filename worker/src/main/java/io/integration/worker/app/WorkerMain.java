package io.integration.worker.app;

import io.integration.worker.config.ConfigSource;
import io.integration.worker.config.WorkerConfig;
import io.integration.registry.credentials.CredentialException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts a worker: {@code java io.integration.worker.app.WorkerMain [--config worker.properties]}
 * (or {@code WORKER_CONFIG=path}); environment variables {@code WORKER_*} override the file.
 * SIGTERM/SIGINT drain in-flight work, commit and exit.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String file = System.getenv("WORKER_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = args[++i];
            } else {
                System.err.println("usage: WorkerMain [--config worker.properties]");
                System.exit(2);
            }
        }
        String logFormat = System.getenv("LOG_FORMAT");
        if (logFormat != null && !logFormat.equals("json") && !logFormat.equals("text")) {
            // logback would start with no appender at all: every line, errors included, would be lost.
            System.err.println("error: LOG_FORMAT: '" + logFormat + "' (expected: json or text)");
            System.exit(2);
        }
        WorkerConfig config;
        try {
            config = WorkerConfig.from(ConfigSource.load(file == null ? null : Path.of(file), System.getenv()));
        } catch (IllegalArgumentException e) {
            System.err.println("error: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        WorkerApp app;
        try {
            app = WorkerApp.start(config, Clock.systemUTC());
        } catch (IllegalArgumentException | IllegalStateException | CredentialException | java.io.UncheckedIOException e) {
            // A missing master key, one that cannot open the keyset, or no outbound resolver: stop before consuming anything.
            System.err.println("error: cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        AtomicBoolean shuttingDown = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            app.close();
        }, "worker-shutdown"));
        while (app.running()) {
            Thread.sleep(500);
        }
        // The loop ended on its own (fatal error): exit non-zero. During a shutdown the hook owns the exit.
        if (!shuttingDown.get()) {
            System.exit(1);
        }
    }
}
