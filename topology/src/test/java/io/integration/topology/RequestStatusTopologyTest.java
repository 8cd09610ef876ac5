package io.integration.topology;

import static io.integration.topology.TopologyKit.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.integration.topology.input.RequestUpdate.Stage;
import io.integration.topology.requests.RequestStatus;
import io.integration.topology.requests.RequestStatusProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The latest status of each request, from the requests, retry and results topics and the method events. */
class RequestStatusTopologyTest {

    private final TopologyKit kit = new TopologyKit();

    RequestStatusTopologyTest() throws Exception {
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private RequestStatus status(String requestId) {
        KeyValueStore<String, RequestStatus> store = kit.driver.getKeyValueStore(RequestStatusProcessor.STATUSES);
        return store.get(requestId);
    }

    private void request(String requestId, Instant at) {
        kit.requests.pipeInput("crm".getBytes(StandardCharsets.UTF_8), ("{\"requestId\":\"" + requestId
                + "\",\"integrationInstanceId\":\"crm\",\"methodName\":\"getUser\",\"params\":\"{}\"}").getBytes(StandardCharsets.UTF_8), at);
    }

    private void result(String requestId, boolean ok, Instant completedAt) {
        kit.results.pipeInput(requestId, ("{\"requestId\":\"" + requestId + "\",\"integrationInstanceId\":\"crm\",\"methodName\":\"getUser\","
                + "\"status\":\"" + (ok ? "SUCCESS" : "ERROR") + "\",\"error\":" + (ok ? "null" : "{\"code\":\"UPSTREAM_ERROR\"}")
                + ",\"attempts\":3,\"completedAt\":" + completedAt.toEpochMilli() + "}").getBytes(StandardCharsets.UTF_8), completedAt);
    }

    @Test
    void aRequestGoesFromAcceptedThroughDeferredToItsResult() {
        request("r1", T0);
        assertThat(status("r1").status()).isEqualTo(Stage.ACCEPTED);
        assertThat(status("r1").acceptedAt()).isEqualTo(T0);

        kit.retry.pipeInput("crm".getBytes(StandardCharsets.UTF_8), "{\"requestId\":\"r1\",\"integrationInstanceId\":\"crm\",\"methodName\":\"getUser\"}"
                .getBytes(StandardCharsets.UTF_8), T0.plusSeconds(1));
        assertThat(status("r1").status()).isEqualTo(Stage.DEFERRED);

        result("r1", false, T0.plusSeconds(5));
        RequestStatus failed = status("r1");
        assertThat(failed.status()).isEqualTo(Stage.FAILED);
        assertThat(failed.errorCode()).isEqualTo("UPSTREAM_ERROR");
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.acceptedAt()).isEqualTo(T0);
        assertThat(failed.updatedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aMethodEventAnswersForARequestWhoseResultWentToAReplyTopic() {
        kit.succeeded("crm", "getUser", 40, T0.plusSeconds(2), "r2");

        assertThat(status("r2").status()).isEqualTo(Stage.SUCCEEDED);
        assertThat(status("r2").instanceId()).isEqualTo("crm");
        assertThat(status("r2").attempts()).isEqualTo(1);
    }

    @Test
    void anEarlierStageReadLateNeverReplacesALaterOneButFillsInWhenItWasAccepted() {
        result("r3", true, T0.plusSeconds(5));
        request("r3", T0);

        assertThat(status("r3").status()).isEqualTo(Stage.SUCCEEDED);
        assertThat(status("r3").acceptedAt()).isEqualTo(T0);
    }

    @Test
    void aReplaysLaterResultReplacesTheFirstOne() {
        result("r4", false, T0.plusSeconds(5));
        request("r4", T0.plusSeconds(60));
        assertThat(status("r4").status()).as("the replayed request is accepted again, but its first result stands until the new one")
                .isEqualTo(Stage.FAILED);
        result("r4", true, T0.plusSeconds(61));
        assertThat(status("r4").status()).isEqualTo(Stage.SUCCEEDED);
        assertThat(status("r4").errorCode()).isNull();
        result("r4", false, T0.plusSeconds(5));
        assertThat(status("r4").status()).as("a repeat of the old result changes nothing").isEqualTo(Stage.SUCCEEDED);
    }

    @Test
    void aStatusIsForgottenAfterTheRetention() {
        request("old", T0);
        request("new", T0.plus(Duration.ofMinutes(50)));

        kit.driver.advanceWallClockTime(TopologyKit.REQUEST_RETENTION.plusMinutes(5));

        assertThat(status("old")).isNull();
        assertThat(status("new")).isNotNull();
    }

    @Test
    void anUnreadableRequestIsSkipped() {
        kit.requests.pipeInput("k".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 42, 1}, T0);
        request("r5", T0);

        assertThat(status("r5")).isNotNull();
    }

    @Test
    void aResultWithoutItsTimeTakesItsRecordsAndOneWithAnUnknownStatusIsSkipped() {
        kit.results.pipeInput("r6", "{\"requestId\":\"r6\",\"status\":\"SUCCESS\"}".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(9));
        kit.results.pipeInput("r7", "{\"requestId\":\"r7\",\"status\":\"MAYBE\"}".getBytes(StandardCharsets.UTF_8), T0);

        assertThat(status("r6").updatedAt()).isEqualTo(T0.plusSeconds(9));
        assertThat(status("r7")).isNull();
    }
}
