package io.integration.worker.it;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.integration.worker.app.WorkerApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What every in-process worker IT needs: a WireMock server on loopback as the external API, the test's own
 * {@link WorkerFixture}, and a worker slot that is closed after the test. Subclasses seed and stub in
 * their own {@code @BeforeEach}, which runs after this one.
 */
abstract class WorkerItSupport {

    protected WireMockServer api;
    protected WorkerFixture fixture;
    protected WorkerApp worker;

    @BeforeEach
    void startApiAndFixture(TestInfo test) {
        api = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(128));
        api.start();
        fixture = new WorkerFixture(test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void stopAll() {
        if (worker != null) {
            worker.close();
        }
        fixture.close();
        api.stop();
    }
}
