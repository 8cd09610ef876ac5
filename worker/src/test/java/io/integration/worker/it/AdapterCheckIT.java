package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.embedded.LogCapture;
import io.integration.registry.AdapterDescriptor;
import io.integration.registry.credentials.Keyring;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.service.Management;
import io.integration.worker.app.WorkerApp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A definition published against an adapter this worker does not have (installed on the API, not yet on the workers):
 * the worker says so at start, and refuses to start under {@code adapters.check=fail}.
 */
class AdapterCheckIT {

    private final WorkerFixture fixture = new WorkerFixture("adapter-check");

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aPublishedDefinitionThisWorkerCannotRunIsReportedAtStartOrStopsIt() {
        Management apiWithPlugin = Management.onMongo(fixture.db, Keyring.open(fixture.db, MasterKey.load("key", fixture.masterKey, "file", null)),
                List.of(AdapterDescriptor.of("soap", "1.2.0")), (id, method) -> {
                    throw new AssertionError("no connection test");
                }, Clock.systemUTC());
        apiWithPlugin.definitions().apply("""
                name: ledger
                version: 2.0.0
                adapter: { type: soap, version: "^1.2" }
                baseUrl: https://ledger.example.com
                methods: [{ name: post, binding: { operation: PostEntry } }]
                """);

        assertThatThrownBy(() -> fixture.startWorker(Map.of("adapters.check", "fail")))
                .hasMessageContaining("adapters.check=fail").hasMessageContaining("ledger@2.0.0: adapter type 'soap' is not installed");
        try (LogCapture logs = LogCapture.start(); WorkerApp worker = fixture.startWorker()) {
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("cannot run").contains("ledger@2.0.0"));
        }
    }
}
