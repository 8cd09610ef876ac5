package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.registry.service.InstanceService;
import io.integration.worker.app.WorkerApp;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request and response transforms (JSONata) and the response schema, end to end on a real broker: the API receives the
 * body the request transform made, the requester gets the data the response transform made; a transform that fails
 * and an answer outside the response schema are errors naming the method, the transform and the path.
 */
class TransformIT extends UpstreamItSupport {

    @BeforeEach
    void start() throws Exception {
        fixture = new WorkerFixture("transform");
        upstream = RecordingUpstream.start(201, (path, request) -> path.equals("/legacy/orders")
                ? "<response><order><id>7</id><total>12.50</total><paid>TRUE</paid><line>A-1</line></order></response>"
                : path.equals("/odd") ? "{\"contact\":{\"id\":\"not-a-number\"}}"
                : "{\"contact\":{\"id\":42,\"properties\":{\"email\":\"ada@example.com\",\"firstname\":\"Ada\"}}}");
        String definition = """
                name: crm
                version: 1.0.0
                status: PUBLISHED
                adapter: { type: http }
                baseUrl: http://127.0.0.1:%d
                allowedHosts: [127.0.0.1]
                auth: { type: none }
                methods:
                  - name: createContact
                    http: { method: POST, path: /contacts }
                    paramSchema: { type: object, required: [email], properties: { email: { type: string }, name: { type: string } } }
                    requestTransform: "{ 'properties': { 'email': email, 'firstname': name, 'source': $config.source } }"
                    responseTransform: "{ 'id': contact.id, 'email': contact.properties.email, 'status': $status }"
                    responseSchema: { type: object, required: [id], properties: { id: { type: integer } } }
                  - name: oddAnswer
                    http: { method: POST, path: /odd }
                    responseTransform: "{ 'id': contact.id }"
                    responseSchema: { type: object, required: [id], properties: { id: { type: integer } } }
                  - name: brokenTransform
                    http: { method: POST, path: /contacts }
                    requestTransform: "$number(email)"
                  - name: findOrder
                    http: { method: POST, path: /legacy/orders, requestFormat: form }
                    paramSchema: { type: object, properties: { id: { type: integer } } }
                    requestTransform: "$toLegacy($)"
                    responseTransform: "$fromLegacy(order)"
                    responseSchema:
                      type: object
                      properties:
                        id: { type: integer }
                        total: { type: number }
                        paid: { type: boolean }
                        lines: { type: array, items: { type: string } }
                transforms:
                  toLegacy: "function($p) { {'ORDER_ID': $p.id, 'FMT': 'xml'} }"
                  fromLegacy: "function($o) { {'id': $o.id, 'total': $o.total, 'paid': $o.paid, 'lines': $o.line} }"
                """.formatted(upstream.port());
        WorkerApp.management(fixture.db, fixture.masterKey, true, Clock.systemUTC()).seed(definition, null,
                new InstanceService.Spec("crm-1", "acme", "crm", null, Map.of("source", "integration-service"), null));
        worker = fixture.startWorker();
    }

    @Test
    void theApiGetsTheTransformedBodyAndTheRequesterTheTransformedAnswer() {
        Map<String, JsonNode> results = exchange("crm-1", "t-1", "createContact", "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}",
                "t-2", "oddAnswer", "{}", "t-3", "brokenTransform", "{\"email\":\"not a number\"}");

        JsonNode ok = results.get("t-1");
        assertThat(ok.get("status").asText()).as(ok.toString()).isEqualTo("SUCCESS");
        assertThat(WorkerFixture.json(ok.get("data").asText().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(WorkerFixture.json("{\"id\":42,\"email\":\"ada@example.com\",\"status\":201}".getBytes(StandardCharsets.UTF_8)));
        String contact = upstream.received.stream().filter(r -> r.startsWith("/contacts ")).findFirst().orElseThrow().substring("/contacts ".length());
        assertThat(WorkerFixture.json(contact.getBytes(StandardCharsets.UTF_8))).isEqualTo(WorkerFixture.json(
                "{\"properties\":{\"email\":\"ada@example.com\",\"firstname\":\"Ada\",\"source\":\"integration-service\"}}"
                        .getBytes(StandardCharsets.UTF_8)));

        JsonNode odd = results.get("t-2");
        assertThat(odd.at("/error/code").asText()).isEqualTo("INVALID_RESPONSE");
        assertThat(odd.at("/error/message").asText()).contains("oddAnswer").contains("responseSchema").contains("data.id");

        JsonNode broken = results.get("t-3");
        assertThat(upstream.received).as("a failed request transform calls nothing").hasSize(2);
        assertThat(broken.at("/error/code").asText()).isEqualTo("TRANSFORM_ERROR");
        assertThat(broken.at("/error/message").asText()).contains("crm@1.0.0").contains("brokenTransform").contains("requestTransform");
    }

    @Test
    void aLegacyApiSpeaksFormAndXmlThroughNamedTransformsAndTheSchemaTypesItsText() {
        Map<String, JsonNode> results = exchange("crm-1", "x-1", "findOrder", "{\"id\":\"7\"}");

        JsonNode found = results.get("x-1");
        assertThat(found.get("status").asText()).as(found.toString()).isEqualTo("SUCCESS");
        assertThat(WorkerFixture.json(found.get("data").asText().getBytes(StandardCharsets.UTF_8))).isEqualTo(WorkerFixture.json(
                "{\"id\":7,\"total\":12.5,\"paid\":true,\"lines\":[\"A-1\"]}".getBytes(StandardCharsets.UTF_8)));
        assertThat(upstream.received).as("the param \"7\" was coerced to the integer its schema asks for, then sent as a form")
                .containsExactly("/legacy/orders ORDER_ID=7&FMT=xml");
    }
}
