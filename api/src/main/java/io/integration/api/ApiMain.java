package io.integration.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the management API until the process is stopped. Settings: {@link ApiConfig} ({@code API_*} variables). */
public final class ApiMain {

    private static final Logger log = LoggerFactory.getLogger(ApiMain.class);

    private ApiMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ApiConfig config;
        try {
            config = ApiConfig.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        ManagementApi api;
        try {
            api = ManagementApi.start(config, Clock.systemUTC());
        } catch (IllegalArgumentException | io.integration.registry.credentials.CredentialException e) {
            System.err.println("error: cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        log.info("Management API listening on {}:{} (MongoDB database '{}')", config.host(), api.port(), config.mongoDatabase());
        // Never to the console or a log (both end up in log pipelines): to an owner-only file; only its hash is stored.
        if (api.firstToken().isPresent()) {
            Path file = Path.of(config.firstTokenFile());
            try {
                Files.writeString(file, api.firstToken().get().reveal() + "\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                log.info("No admin token existed: created one and wrote it to {} (read it, then delete the file)", file.toAbsolutePath());
            } catch (IOException | UnsupportedOperationException e) {
                log.error("No admin token existed and the one created could not be written to {} ({}); revoke it and set "
                        + "API_BOOTSTRAP_TOKEN instead", file.toAbsolutePath(), e.toString());
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            stopped.countDown();
        }, "api-shutdown"));
        stopped.await();
    }
}
