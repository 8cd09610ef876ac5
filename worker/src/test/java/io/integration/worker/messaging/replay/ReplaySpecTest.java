package io.integration.worker.messaging.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ReplaySpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ReplaySpec parse(String json) throws Exception {
        return ReplaySpec.fromJson(JSON.readTree(json));
    }

    private static void refused(String json, String field, String expectation) {
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(ReplaySpec.InvalidSpecException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.problem()).contains(expectation);
        });
    }

    @Test
    void aFullBodyReadsBackAsItsCanonicalForm() throws Exception {
        ReplaySpec spec = parse("""
                {"source":"dlt","offsets":{"2":{"from":5,"to":9}},"instanceIds":["crm"],"methods":["get"],"errorCodes":["UPSTREAM_ERROR"],
                 "requestIds":["b","a"],"dryRun":true,"rate":50,"force":true,"reason":"  outage fixed  "}""");

        assertThat(spec.source()).isEqualTo(ReplaySpec.Source.DLT);
        assertThat(spec.offsets()).containsEntry(2, new ReplaySpec.Offsets(5, 9));
        assertThat(spec.reason()).isEqualTo("outage fixed");
        JsonNode canonical = JSON.valueToTree(spec.toMap());
        assertThat(canonical.toString()).isEqualTo("{\"source\":\"dlt\",\"offsets\":{\"2\":{\"from\":5,\"to\":9}},\"instanceIds\":[\"crm\"],"
                + "\"methods\":[\"get\"],\"errorCodes\":[\"UPSTREAM_ERROR\"],\"requestIds\":[\"a\",\"b\"],\"dryRun\":true,\"rate\":50,"
                + "\"force\":true,\"reason\":\"outage fixed\"}");
        assertThat(ReplaySpec.fromJson(canonical)).isEqualTo(spec);
    }

    @Test
    void defaultsAreTheRequestsTopicAtTheDefaultRateWithoutForce() throws Exception {
        ReplaySpec spec = parse("{\"reason\":\"r\"}");
        assertThat(spec.source()).isEqualTo(ReplaySpec.Source.REQUESTS);
        assertThat(spec.ratePerSecond()).isEqualTo(ReplaySpec.DEFAULT_RATE);
        assertThat(spec.force()).isFalse();
        assertThat(spec.dryRun()).isFalse();
    }

    @Test
    void everyBadFieldIsNamedWithWhatIsExpected() {
        refused("{}", "reason", "why this replay is run");
        refused("{\"reason\":\"a\\nb\"}", "reason", "one line");
        refused("{\"reason\":\"r\",\"source\":\"results\"}", "source", "requests or dlt");
        refused("{\"reason\":\"r\",\"form\":\"2026-01-01T00:00:00Z\"}", "form", "unknown field");
        refused("{\"reason\":\"r\",\"from\":\"yesterday\"}", "from", "ISO-8601");
        refused("{\"reason\":\"r\",\"from\":\"2026-01-02T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}", "to", "later time");
        refused("{\"reason\":\"r\",\"from\":\"2026-01-01T00:00:00Z\",\"offsets\":{\"0\":{\"from\":1,\"to\":2}}}", "offsets", "not both");
        refused("{\"reason\":\"r\",\"offsets\":{\"x\":{\"from\":1,\"to\":2}}}", "offsets.x", "partition");
        refused("{\"reason\":\"r\",\"offsets\":{\"0\":{\"from\":5,\"to\":2}}}", "offsets.0", "from <= to");
        refused("{\"reason\":\"r\",\"offsets\":{\"0\":{\"from\":\"5\",\"to\":7}}}", "offsets.0", "integers");
        refused("{\"reason\":\"r\",\"errorCodes\":[\"BOOM\"]}", "errorCodes", "UPSTREAM_ERROR");
        refused("{\"reason\":\"r\",\"methods\":\"get\"}", "methods", "array of strings");
        refused("{\"reason\":\"r\",\"rate\":0}", "rate", "1..");
        refused("{\"reason\":\"r\",\"rate\":1.5}", "rate", "integer");
        refused("{\"reason\":\"r\",\"force\":\"yes\"}", "force", "true or false");
        refused("[]", "body", "JSON object");
        refused("{\"reason\":\"r\",\"from\":\"+1000000000-01-01T00:00:00Z\"}", "from", "ISO-8601");
        refused("{\"reason\":\"r\",\"requestIds\":[\"" + "x".repeat(300) + "\"]}", "requestIds", "at most 256 characters");
        refused("{\"reason\":\"r\",\"instanceIds\":[\"crm\\u0000\"]}", "instanceIds", "without control characters");
    }
}
