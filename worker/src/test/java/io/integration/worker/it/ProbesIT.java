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

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
