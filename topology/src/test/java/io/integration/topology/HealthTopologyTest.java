package io.integration.topology;

import static io.integration.topology.TopologyKit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.topology.health.HealthProcessor;
import io.integration.topology.health.HealthView;
import io.integration.topology.input.SkipUnreadable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every health aggregate and transition, driven by {@code TopologyTestDriver} with a 10 s window and 10 calls to judge by. */
class HealthTopologyTest {

    private final TopologyKit kit = new TopologyKit();

    HealthTopologyTest() throws Exception {
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private HealthView view(String instance) {
        KeyValueStore<String, Object> store = kit.driver.getKeyValueStore(HealthProcessor.STATES);
        return HealthProcessor.view(store, instance, TopologyKit.POLICY);
    }

    @Test
    void aHundredFailuresInOneWindowTurnAnInstanceDownWithOneChangeAndRecoveryTurnsItBackWithOneMore() {
        for (int n = 0; n < 100; n++) {
            kit.failed("crm", "getUser", "UPSTREAM_ERROR", T0.plusMillis(n * 10L), "r" + n);
        }

        List<JsonNode> changes = kit.changes();
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().at("/attributes/from").asText()).isEqualTo("UNKNOWN");
        assertThat(changes.getFirst().at("/attributes/to").asText()).isEqualTo("DOWN");
        assertThat(changes.getFirst().path("integrationInstanceId").asText()).isEqualTo("crm");
        HealthView down = view("crm");
        assertThat(down.status().name()).isEqualTo("DOWN");
        assertThat(down.current().total().failures()).isEqualTo(100);
        assertThat(down.current().total().errorsByCode()).containsEntry("UPSTREAM_ERROR", 100L);
        assertThat(down.current().methods().get("getUser").failures()).isEqualTo(100);
        assertThat(kit.healthValues().getLast().path("status").asText()).isEqualTo("DOWN");

        // Recovery in the next window: the first few successes are judged with the previous window (still DOWN), then alone
        for (int n = 0; n < 20; n++) {
            kit.succeeded("crm", "getUser", 50, T0.plusSeconds(10).plusMillis(n * 10L), "s" + n);
        }

        changes = kit.changes();
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().at("/attributes/from").asText()).isEqualTo("DOWN");
        assertThat(changes.getFirst().at("/attributes/to").asText()).isEqualTo("HEALTHY");
        assertThat(view("crm").status().name()).isEqualTo("HEALTHY");
    }

    @Test
    void aFailureRatioBetweenTheThresholdsIsDegraded() {
        for (int n = 0; n < 20; n++) {
            if (n % 4 == 0) {
                kit.failed("crm", "get", "TIMEOUT", T0.plusMillis(n), "r" + n);
            } else {
                kit.succeeded("crm", "get", 10, T0.plusMillis(n), "r" + n);
            }
        }

        assertThat(view("crm").status().name()).isEqualTo("DEGRADED");
        assertThat(view("crm").reason()).contains("25.0 %").contains("degraded at 10.0 %");
    }

    @Test
    void aRepeatedEventCountsOnce() {
        for (int repeat = 0; repeat < 3; repeat++) {
            for (int n = 0; n < 10; n++) {
                kit.succeeded("crm", "get", 10, T0.plusMillis(n), "r" + n);
            }
        }

        assertThat(view("crm").current().total().calls()).isEqualTo(10);
    }

    @Test
    void callerErrorsDoNotCountAgainstTheIntegration() {
        for (int n = 0; n < 50; n++) {
            kit.failed("crm", "get", n % 2 == 0 ? "VALIDATION_ERROR" : "METHOD_NOT_FOUND", T0.plusMillis(n), "bad" + n);
        }
        for (int n = 0; n < 10; n++) {
            kit.succeeded("crm", "get", 10, T0.plusMillis(100 + n), "ok" + n);
        }

        HealthView view = view("crm");
        assertThat(view.status().name()).isEqualTo("HEALTHY");
        assertThat(view.current().total().calls()).isEqualTo(10);
        assertThat(view.current().total().callerErrors()).isEqualTo(50);
        assertThat(view.current().total().errorsByCode()).containsEntry("VALIDATION_ERROR", 25L).containsEntry("METHOD_NOT_FOUND", 25L);
        assertThat(kit.changes()).extracting(e -> e.at("/attributes/to").asText()).containsExactly("HEALTHY");
    }

    @Test
    void percentilesComeFromTheMergedSketchNotAnAverage() {
        for (int n = 1; n <= 1000; n++) {
            kit.succeeded("crm", n % 2 == 0 ? "a" : "b", n, T0.plusMillis(n), "r" + n);
        }

        HealthView view = view("crm");
        assertThat(view.current().total().p50Ms().doubleValue()).isCloseTo(500, within(500 * 0.03));
        assertThat(view.current().total().p95Ms().doubleValue()).isCloseTo(950, within(950 * 0.03));
        assertThat(view.current().total().p99Ms().doubleValue()).isCloseTo(990, within(990 * 0.03));
        // p95 of 950 ms is below the 2 s slow threshold: healthy
        assertThat(view.status().name()).isEqualTo("HEALTHY");
    }

    @Test
    void slowCallsDegradeAnInstance() {
        for (int n = 0; n < 20; n++) {
            kit.succeeded("crm", "get", 2500, T0.plusMillis(n), "r" + n);
        }

        assertThat(view("crm").status().name()).isEqualTo("DEGRADED");
        assertThat(view("crm").reason()).contains("p95 latency");
    }

    @Test
    void anOpenCircuitIsDownForTheInstanceAndDegradedForAMethodAndRateLimitsAndAuthFailuresAreCounted() {
        for (int n = 0; n < 10; n++) {
            kit.succeeded("crm", "get", 10, T0.plusMillis(n), "r" + n);
        }
        kit.event("c1", "integration.circuit.opened", "crm", null, null, 0, T0.plusMillis(20), null);
        assertThat(view("crm").status().name()).isEqualTo("DOWN");
        assertThat(view("crm").openCircuits()).containsExactly("*");
        kit.event("c2", "integration.circuit.closed", "crm", null, null, 0, T0.plusMillis(30), null);
        kit.event("c3", "integration.circuit.opened", "crm", "get", null, 0, T0.plusMillis(40), null);
        assertThat(view("crm").status().name()).isEqualTo("DEGRADED");
        kit.failed("crm", "get", "RATE_LIMIT_EXCEEDED", T0.plusMillis(50), "rl");
        kit.failed("crm", "get", "AUTH_FAILED", T0.plusMillis(60), "auth");
        kit.event("a1", "integration.auth.failed", "crm", null, null, 0, T0.plusMillis(70), null);

        HealthView view = view("crm");
        assertThat(view.current().total().rateLimited()).isEqualTo(1);
        assertThat(view.current().total().authFailures()).isEqualTo(2);
        assertThat(kit.changes()).extracting(e -> e.at("/attributes/to").asText()).containsExactly("HEALTHY", "DOWN", "HEALTHY", "DEGRADED");
    }

    @Test
    void anInstanceWhoseTrafficStopsBecomesUnknownWhenItsWindowsAge() {
        for (int n = 0; n < 10; n++) {
            kit.succeeded("crm", "get", 10, T0.plusMillis(n), "r" + n);
        }
        kit.changes();

        kit.driver.advanceWallClockTime(Duration.ofSeconds(12));
        assertThat(view("crm").status().name()).as("one window later the previous one still counts").isEqualTo("HEALTHY");
        kit.driver.advanceWallClockTime(Duration.ofSeconds(10));

        assertThat(view("crm").status().name()).isEqualTo("UNKNOWN");
        assertThat(kit.changes()).extracting(e -> e.at("/attributes/to").asText()).containsExactly("UNKNOWN");
    }

    @Test
    void anUnreadableEventIsSkippedAndTheNextOnesStillCount() {
        long before = SkipUnreadable.skipped();
        kit.events.pipeInput("crm", "not an event".getBytes(StandardCharsets.UTF_8), T0);
        kit.events.pipeInput("crm", "{\"type\":\"integration.method.executed\"}".getBytes(StandardCharsets.UTF_8), T0);
        for (int n = 0; n < 10; n++) {
            kit.succeeded("crm", "get", 10, T0.plusMillis(n), "r" + n);
        }

        assertThat(SkipUnreadable.skipped() - before).isEqualTo(2);
        assertThat(view("crm").current().total().calls()).isEqualTo(10);
    }

    @Test
    void anEventKeyedByAnotherIdIsNotCountedWhereNobodyLooks() {
        kit.events.pipeInput("other", ("{\"eventId\":\"x\",\"type\":\"integration.method.executed\",\"integrationInstanceId\":\"crm\","
                + "\"occurredAt\":" + T0.toEpochMilli() + "}").getBytes(StandardCharsets.UTF_8), T0);

        assertThat(view("crm")).isNull();
        assertThat(view("other")).isNull();
    }

    @Test
    void aLateEventOfThePreviousWindowCountsThereAndAnOlderOneNowhere() {
        kit.succeeded("crm", "get", 10, T0.plusSeconds(15), "now");
        kit.succeeded("crm", "get", 10, T0.plusSeconds(5), "previous");
        kit.succeeded("crm", "get", 10, T0.minusSeconds(30), "too-late");

        HealthView view = view("crm");
        assertThat(view.current().total().calls()).isEqualTo(1);
        assertThat(view.previous().total().calls()).isEqualTo(1);
        assertThat(view.current().start()).isEqualTo(Instant.parse("2026-12-03T10:00:10Z"));
    }

    @Test
    void aRatioHoveringAtAThresholdDoesNotFlap() {
        for (int n = 0; n < 40; n++) {
            if (n % 2 == 0) {
                kit.failed("crm", "get", "TIMEOUT", T0.plusMillis(n), "r" + n);
            } else {
                kit.succeeded("crm", "get", 10, T0.plusMillis(n), "r" + n);
            }
        }

        assertThat(kit.changes()).extracting(e -> e.at("/attributes/to").asText()).containsExactly("DOWN");
        assertThat(view("crm").status().name()).isEqualTo("DOWN");
    }

    @Test
    void onceJudgedTooFewCallsKeepTheStatusAndSilenceMakesItUnknown() {
        for (int n = 0; n < 10; n++) {
            kit.succeeded("crm", "get", 10, T0.plusMillis(n), "r" + n);
        }
        // Two windows later, three failures alone: too few to change the status
        for (int n = 0; n < 3; n++) {
            kit.failed("crm", "get", "TIMEOUT", T0.plusSeconds(25).plusMillis(n), "late" + n);
        }

        assertThat(view("crm").status().name()).isEqualTo("HEALTHY");
        assertThat(view("crm").reason()).contains("too few");
        assertThat(kit.changes()).extracting(e -> e.at("/attributes/to").asText()).containsExactly("HEALTHY");
    }

    @Test
    void aSuccessProvesACircuitNoLongerOpenAndOneNoEventReopensExpiresAfterTwoWindows() {
        kit.event("c1", "integration.circuit.opened", "crm", null, null, 0, T0, null);
        assertThat(view("crm").openCircuits()).containsExactly("*");
        kit.succeeded("crm", "get", 10, T0.plusMillis(5), "ok");
        assertThat(view("crm").openCircuits()).as("a call went through: the closing event was lost").isEmpty();

        kit.event("c2", "integration.circuit.opened", "crm", "get", null, 0, T0.plusMillis(10), null);
        kit.driver.advanceWallClockTime(Duration.ofSeconds(25));

        assertThat(view("crm").openCircuits()).isEmpty();
    }

    @Test
    void requestsAnOpenCircuitRefusedAreNoCalls() {
        for (int n = 0; n < 10; n++) {
            kit.succeeded("crm", "get", 10, T0.plusMillis(n), "ok" + n);
        }
        for (int n = 0; n < 50; n++) {
            kit.failed("crm", "get", "CIRCUIT_OPEN", T0.plusMillis(20 + n), "refused" + n);
        }

        HealthView view = view("crm");
        assertThat(view.current().total().calls()).isEqualTo(10);
        assertThat(view.current().total().shortCircuited()).isEqualTo(50);
        assertThat(view.status().name()).isEqualTo("HEALTHY");
    }

    @Test
    void aBacklogReadLateIsCountedNotAgedAway() {
        // The wall clock is ten minutes ahead of the events: the task is catching up on old records
        kit.driver.advanceWallClockTime(Duration.ofMinutes(10));
        for (int n = 0; n < 20; n++) {
            kit.succeeded("crm", "get", 10, T0.plusMillis(n), "r" + n);
        }
        kit.driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertThat(view("crm").status().name()).isEqualTo("HEALTHY");
        assertThat(view("crm").current().total().calls()).isEqualTo(20);

        // Nothing more comes: silence, judged by the wall clock again
        kit.driver.advanceWallClockTime(Duration.ofSeconds(10));
        kit.driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(view("crm").status().name()).isEqualTo("UNKNOWN");
    }

    @Test
    void anEventFromAClockFarAheadCannotMoveTheWindowsPastItsRecordsTime() {
        // An event a day ahead of its record's time (a worker's clock gone wrong)
        kit.events.pipeInput("other", ("{\"eventId\":\"y\",\"type\":\"integration.method.executed\",\"integrationInstanceId\":\"other\","
                + "\"occurredAt\":" + T0.plus(Duration.ofDays(1)).toEpochMilli() + "}").getBytes(StandardCharsets.UTF_8), T0);

        assertThat(view("other").current().start()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void anInstanceWithoutEventsForAWeekIsForgottenWithATombstone() {
        kit.succeeded("crm", "get", 10, T0, "r");
        kit.healthValues();

        kit.driver.advanceWallClockTime(HealthProcessor.INSTANCE_RETENTION.plusDays(1));

        assertThat(view("crm")).isNull();
        assertThat(kit.health.readRecordsToList()).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("crm");
            assertThat(r.value()).isNull();
        });
    }

    @Test
    void answersServedWithoutACallAreNoCalls() {
        for (int n = 0; n < 10; n++) {
            kit.succeeded("crm", "get", 10, T0.plusMillis(n), "ok" + n);
        }
        for (int n = 0; n < 30; n++) {
            kit.events.pipeInput("crm", ("{\"eventId\":\"c" + n + "\",\"type\":\"integration.method.executed\",\"integrationInstanceId\":\"crm\","
                    + "\"methodName\":\"get\",\"occurredAt\":" + T0.plusMillis(50 + n).toEpochMilli()
                    + ",\"attributes\":{\"servedFrom\":\"CACHE\"}}").getBytes(StandardCharsets.UTF_8), T0.plusMillis(50 + n));
        }

        HealthView view = view("crm");
        assertThat(view.current().total().calls()).isEqualTo(10);
        assertThat(view.current().total().servedWithoutCall()).isEqualTo(30);
    }
}
