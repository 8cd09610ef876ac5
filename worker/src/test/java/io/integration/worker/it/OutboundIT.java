package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.registry.service.InstanceService;
import io.integration.registry.service.Management;
import io.integration.worker.app.WorkerApp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker with the strict outbound policy — no private-network allowance — on a real broker: the upstream is reached
 * through a public-looking name the operator maps to loopback ({@code outbound.hosts}, for this test only); a definition
 * pointing at loopback directly is refused with {@code DESTINATION_NOT_ALLOWED}, no connection, and one security event.
 */
class OutboundIT extends UpstreamItSupport {

    @BeforeEach
    void start() throws Exception {
        fixture = new WorkerFixture("outbound");
        upstream = RecordingUpstream.start(200, (path, request) -> "{\"pong\":true}");
    }

    private static String definition(String name, String baseUrl, String host) {
        return """
                name: %s
                version: 1.0.0
                status: PUBLISHED
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [%s]
                auth: { type: none }
                methods:
                  - name: ping
                    http: { method: GET, path: /ping }
                    idempotent: true
                    retry: { maxAttempts: 1 }
                """.formatted(name, baseUrl, host);
    }

    @Test
    void theStrictPolicyReachesAVouchedNameAndRefusesLoopbackWithOneSecurityEvent() {
        int port = upstream.port();
        Management management = WorkerApp.management(fixture.db, fixture.masterKey, true, Clock.systemUTC());
        management.seed(definition("partner", "http://api.partner.test:" + port, "api.partner.test"), null,
                new InstanceService.Spec("partner-1", "acme", "partner", null, Map.of(), null));
        management.seed(definition("sneaky", "http://127.0.0.1:" + port, "127.0.0.1"), null,
                new InstanceService.Spec("sneaky-1", "acme", "sneaky", null, Map.of(), null));
        worker = fixture.startWorker(Map.of("outbound.allow.private.networks", "false", "outbound.hosts", "api.partner.test=127.0.0.1",
                "outbound.allow.ports", String.valueOf(port), "events.format", "json"));

        fixture.sendJson("partner-1", WorkerFixture.request("fine", "partner-1", "ping", "{}"));
        fixture.sendJson("sneaky-1", WorkerFixture.request("refused", "sneaky-1", "ping", "{}"));
        Map<String, JsonNode> results = fixture.results(Set.of("fine", "refused"), Duration.ofSeconds(60));

        assertThat(results.get("fine").get("status").asText()).as(results.get("fine").toString()).isEqualTo("SUCCESS");
        assertThat(results.get("refused").at("/error/code").asText()).isEqualTo("DESTINATION_NOT_ALLOWED");
        assertThat(results.get("refused").at("/error/message").asText()).contains("127.0.0.1").contains("Loopback");
        assertThat(upstream.received.size()).as("only the vouched call reached the upstream").isEqualTo(1);
        List<JsonNode> security = fixture.read(fixture.topics.events(), Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .map(r -> WorkerFixture.json(r.value())).filter(e -> e.get("type").asText().equals("integration.security.destination_refused"))
                .toList();
        assertThat(security).hasSize(1);
        assertThat(security.getFirst().get("integrationInstanceId").asText()).isEqualTo("sneaky-1");
    }
}
