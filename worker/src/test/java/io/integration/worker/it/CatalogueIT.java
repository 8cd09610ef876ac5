package io.integration.worker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.requestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.integration.registry.secret.Secret;
import io.integration.registry.credentials.Credential;
import io.integration.registry.DefinitionDocuments;
import io.integration.registry.IntegrationDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of ready definitions ({@code catalogue/*.yaml}): every file is a valid definition named after its file,
 * and one read method of each provider, called through the whole worker (Kafka in, MongoDB registry, http adapter,
 * result out) against a WireMock stub shaped like the provider's documented answer ({@code catalogue/stubs/}), sends
 * exactly the documented request with the instance's token and answers with the provider's body.
 */
class CatalogueIT extends WorkerItSupport {

    private static final Path CATALOGUE = Path.of("..", "catalogue");
    private static final String TOKEN = "catalogue-token";

    @Test
    void everyCatalogueDefinitionIsValidAndOneMethodOfEachWorksAgainstItsProvidersDocumentedAnswer() throws IOException {
        // Given
        List<Path> files;
        try (Stream<Path> listing = Files.list(CATALOGUE)) {
            files = listing.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).as("at least six providers").hasSizeGreaterThanOrEqualTo(6);
        Map<String, JsonNode> stubs = new LinkedHashMap<>();
        for (Path file : files) {
            IntegrationDefinition definition = DefinitionDocuments.parse(Files.readString(file));
            String name = file.getFileName().toString().replace(".yaml", "");
            assertThat(definition.name()).as(file.toString()).isEqualTo(name);
            assertThat(definition.methods()).as(name + ": useful methods").hasSizeGreaterThanOrEqualTo(3);
            assertThat(definition.methods()).as(name + ": every method has a param schema").allSatisfy(m -> assertThat(m.paramSchema()).isNotNull());
            JsonNode stub = WorkerFixture.JSON.readTree(CATALOGUE.resolve("stubs").resolve(name + ".json").toFile());
            assertThat(definition.method(stub.get("method").asText())).as(name + ": the stubbed method exists").isPresent();
            api.stubFor(stubbed(stub));
            fixture.seed(onStub(definition), name, WorkerFixture.JSON.convertValue(stub.get("config"), Map.class),
                    new Credential.Bearer(name + "-token", Secret.of(TOKEN)));
            stubs.put(name, stub);
        }
        worker = fixture.startWorker();

        // When
        stubs.forEach((name, stub) -> fixture.sendJson(name, WorkerFixture.request("cat-" + name, name, stub.get("method").asText(),
                stub.get("params").toString())));

        // Then
        Map<String, JsonNode> results = fixture.results(stubs.keySet().stream().map(n -> "cat-" + n)
                .collect(java.util.stream.Collectors.toSet()), Duration.ofSeconds(60));
        stubs.forEach((name, stub) -> {
            JsonNode result = results.get("cat-" + name);
            assertThat(result.get("status").asText()).as(name + ": " + result).isEqualTo("SUCCESS");
            assertThat(WorkerFixture.json(result.get("data").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .as(name).isEqualTo(stub.at("/response/body"));
            api.verify(1, expected(stub).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        });
    }

    /** The definition with its base URL on the stub (a real API's host is only in allowedHosts of the original). */
    /** The definition's document pointed at the stub. */
    private String onStub(IntegrationDefinition definition) {
        ObjectNode tree = (ObjectNode) DefinitionDocuments.toTree(definition);
        tree.put("baseUrl", api.baseUrl());
        tree.putArray("allowedHosts").add(java.net.URI.create(api.baseUrl()).getHost());
        return tree.toString();
    }

    private static MappingBuilder stubbed(JsonNode stub) {
        MappingBuilder mapping = request(stub.at("/request/verb").asText(), urlPathEqualTo(stub.at("/request/path").asText()));
        stub.at("/request/query").properties().forEach(q -> mapping.withQueryParam(q.getKey(), equalTo(q.getValue().asText())));
        return mapping.willReturn(aResponse().withStatus(stub.at("/response/status").asInt())
                .withHeader("Content-Type", "application/json").withBody(stub.at("/response/body").toString()));
    }

    private static RequestPatternBuilder expected(JsonNode stub) {
        RequestPatternBuilder pattern = requestedFor(stub.at("/request/verb").asText(), urlPathEqualTo(stub.at("/request/path").asText()));
        stub.at("/request/query").properties().forEach(q -> pattern.withQueryParam(q.getKey(), equalTo(q.getValue().asText())));
        return pattern;
    }
}
