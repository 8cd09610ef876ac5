package io.integration.api;

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
        ManagementApi api = ManagementApi.start(config, Clock.systemUTC());
        log.info("Management API listening on {}:{} (MongoDB database '{}')", config.host(), api.port(), config.mongoDatabase());
        // Printed, never logged: a log pipeline must not carry a credential. Shown once; only its hash is stored.
        api.firstToken().ifPresent(token -> System.out.println("First admin token (shown once): " + token.reveal()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            stopped.countDown();
        }, "api-shutdown"));
        stopped.await();
    }
}
