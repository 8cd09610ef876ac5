package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integration.embedded.EmbeddedMongo;
import io.integration.worker.app.WorkerApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probes as Kubernetes would call them, with the worker's MongoDB stopped and started again. */
class ProbesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void withMongoStoppedTheWorkerStaysLiveAndTurnsUnreadyWithinTenSeconds() throws Exception {
        try (WorkerFixture fixture = new WorkerFixture("probes"); EmbeddedMongo mongo = EmbeddedMongo.start(0);
             WorkerApp worker = fixture.startWorker(Map.of("ops.port", "0", "mongo.uri", mongo.connectionString()))) {
            String base = "http://127.0.0.1:" + worker.opsPort();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200));
            assertThat(get(base + "/health/ready").body()).contains("\"mongodb\":\"UP\"").contains("\"assignment\":\"UP\"");

            mongo.stop();
            long stopped = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                assertThat(get(base + "/health/live").statusCode()).as("live whatever MongoDB does").isEqualTo(200);
                HttpResponse<String> ready = get(base + "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("\"mongodb\":\"DOWN");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(10));
            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);

            mongo.restart();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200));
            assertThat(get(base + "/metrics").body()).contains("integration_records_in_flight");
            assertThat(get(base + "/nope").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void anOpsPortInUseStopsTheStartBeforeAnythingIsConsumed() throws Exception {
        try (WorkerFixture fixture = new WorkerFixture("probes-port");
             java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> fixture.startWorker(Map.of("ops.host", "127.0.0.1",
                    "ops.port", String.valueOf(taken.getLocalPort())))).hasMessageContaining("ops.port");
            // A worker whose start failed must not be left consuming: a request sent now stays uncommitted.
            fixture.sendJson("nobody", WorkerFixture.request("p-1", "nobody", "m", "{}"));
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> fixture.committed().isEmpty());
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
