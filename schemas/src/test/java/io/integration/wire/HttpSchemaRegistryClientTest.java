package io.integration.wire;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.integration.avro.IntegrationRequest;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryClientTest {

    private WireMockServer registry;

    @BeforeEach
    void start() {
        registry = new WireMockServer(wireMockConfig().dynamicPort());
        registry.start();
    }

    @AfterEach
    void stop() {
        registry.stop();
    }

    @Test
    void registersUnderTheSubjectWithTheConfluentRequestAndCachesTheId() throws Exception {
        String schemaJson = new ObjectMapper().writeValueAsString(Map.of("schema", IntegrationRequest.getClassSchema().toString()));
        registry.stubFor(post("/subjects/integration.requests-value/versions")
                .withHeader("Content-Type", equalTo("application/vnd.schemaregistry.v1+json"))
                .withRequestBody(equalToJson(schemaJson))
                .willReturn(okJson("{\"id\":21}")));
        HttpSchemaRegistryClient client = HttpSchemaRegistryClient.of(registry.baseUrl());

        int first = client.register("integration.requests-value", IntegrationRequest.getClassSchema());
        int second = client.register("integration.requests-value", IntegrationRequest.getClassSchema());

        assertThat(first).isEqualTo(21);
        assertThat(second).isEqualTo(21);
        registry.verify(1, postRequestedFor(urlEqualTo("/subjects/integration.requests-value/versions")));
    }

    @Test
    void fetchesASchemaByIdOnceAndDecodesRecordsWithIt() throws Exception {
        String body = new ObjectMapper().writeValueAsString(Map.of("schema", IntegrationRequest.getClassSchema().toString()));
        registry.stubFor(get("/schemas/ids/5").willReturn(okJson(body)));
        HttpSchemaRegistryClient client = HttpSchemaRegistryClient.of(registry.baseUrl());

        assertThat(client.schemaById(5)).isEqualTo(IntegrationRequest.getClassSchema());
        assertThat(client.schemaById(5)).isEqualTo(IntegrationRequest.getClassSchema());
        registry.verify(1, getRequestedFor(urlEqualTo("/schemas/ids/5")));
    }

    @Test
    void aNotFoundAnswerIsPermanentAndCarriesTheRegistryErrorCode() {
        registry.stubFor(get("/schemas/ids/9").willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/vnd.schemaregistry.v1+json")
                .withBody("{\"error_code\":40403,\"message\":\"Schema 9 not found\"}")));
        HttpSchemaRegistryClient client = HttpSchemaRegistryClient.of(registry.baseUrl());

        assertThatThrownBy(() -> client.schemaById(9))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(40403);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("answered 404 to fetch schema 9: Schema 9 not found");
                });
    }

    @Test
    void aServerErrorIsRetriable() {
        registry.stubFor(post("/subjects/s/versions").willReturn(aResponse().withStatus(503).withBody("overloaded")));
        HttpSchemaRegistryClient client = HttpSchemaRegistryClient.of(registry.baseUrl());

        assertThatThrownBy(() -> client.register("s", IntegrationRequest.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.getMessage()).contains("answered 503").contains("overloaded");
                });
    }

    @Test
    void anUnreachableRegistryIsRetriableAndTheNextUrlIsTried() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + closedPort;
        assertThatThrownBy(() -> HttpSchemaRegistryClient.of(dead).schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.httpStatus()).isZero();
                    assertThat(e.getMessage()).contains("unreachable");
                });

        registry.stubFor(get("/schemas/ids/1").willReturn(okJson(
                new ObjectMapper().writeValueAsString(Map.of("schema", "\"string\"")))));
        assertThat(HttpSchemaRegistryClient.of(dead + "," + registry.baseUrl()).schemaById(1).getType())
                .isEqualTo(org.apache.avro.Schema.Type.STRING);
    }

    @Test
    void sendsUserInfoAsBasicAuthWithoutShowingIt() {
        registry.stubFor(get("/schemas/ids/1")
                .withHeader("Authorization", equalTo("Basic dXNlcjpwQHNz"))
                .willReturn(okJson("{\"schema\":\"\\\"string\\\"\"}")));
        String url = registry.baseUrl().replace("http://", "http://user:p%40ss@");

        assertThat(HttpSchemaRegistryClient.of(url).schemaById(1).getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
        assertThatThrownBy(() -> HttpSchemaRegistryClient.of(url).schemaById(2))
                .hasMessageNotContaining("p%40ss").hasMessageNotContaining("p@ss");
    }
}
