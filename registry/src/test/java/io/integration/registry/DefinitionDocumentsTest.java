package io.integration.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DefinitionDocumentsTest {

    private static String resource(String name) throws IOException {
        try (var in = DefinitionDocumentsTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheDesignExampleWithAuthDefaultsAndMethods() throws IOException {
        IntegrationDefinition github = DefinitionDocuments.parse(resource("/github-definition.yaml"));

        assertThat(github.key()).isEqualTo("github@1.2.0");
        assertThat(github.status()).isEqualTo(DefinitionStatus.PUBLISHED);
        assertThat(github.auth().type()).isEqualTo(AuthSpec.Type.OAUTH2);
        assertThat(github.defaults().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(github.defaults().retry()).containsEntry("maxAttempts", 4);
        assertThat(github.effectiveAllowedHosts()).containsExactly("api.github.com");
        MethodDefinition createIssue = github.method("createIssue").orElseThrow();
        assertThat(createIssue.binding("http")).containsEntry("method", "POST");
        assertThat(createIssue.paramSchema().at("/required/0").asText()).isEqualTo("repo");
        assertThat(createIssue.requestTransform()).contains("title");
    }

    @Test
    void survivesAStoreRoundTripUnchanged() throws IOException {
        IntegrationDefinition github = DefinitionDocuments.parse(resource("/github-definition.yaml"));

        assertThat(DefinitionDocuments.fromTree(DefinitionDocuments.toTree(github))).isEqualTo(github);
    }

    @Test
    void anInvalidDocumentIsRejectedNamingTheField() {
        // (A method's binding section is the adapter's to check, at publish: see DefinitionServiceTest.)
        String badFlag = """
                name: broken
                version: 1.0.0
                adapter: { type: http }
                methods:
                  - name: get
                    idempotent: sometimes
                    http: { method: GET, path: /x }
                """;
        assertThatThrownBy(() -> DefinitionDocuments.parse(badFlag))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("definition 'broken'")
                .hasMessageContaining("methods")
                .hasMessageContaining("idempotent");
        assertThatThrownBy(() -> DefinitionDocuments.parse("name: x\nversion: one\nadapter: {type: http}\nmethods: [{name: a}]"))
                .hasMessageContaining("version");
        assertThatThrownBy(() -> DefinitionDocuments.parse("name: x\nversion: 1.0.0\nadapter: {type: http}\nmethods: [{name: a}, {name: a}]"))
                .hasMessageContaining("methods: name 'a' appears twice (expected: unique names)");
        assertThatThrownBy(() -> DefinitionDocuments.parse("name: x\nversion: 1.0.0\nadapter: {type: http}\nmethods: []"))
                .hasMessageContaining("methods");
    }

    @Test
    void aBadResilienceValueFailsTheDefinitionAtLoadNamingItsPath() {
        String base = "name: x\nversion: 1.0.0\nadapter: {type: http}\nbaseUrl: https://api.example.com\n";
        assertThatThrownBy(() -> DefinitionDocuments.parse(base + "methods:\n  - {name: a, http: {method: GET, path: /a}}\n"
                + "  - {name: b, http: {method: GET, path: /b}, retry: {maxAttempts: 3, initialBackoff: 2s, maxBackoff: 1s}}"))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageStartingWith("definition 'x': $.methods[1].retry.maxBackoff: 1s (expected: >= initialBackoff 2s)");
        assertThatThrownBy(() -> DefinitionDocuments.parse(base + "defaults: {retry: {initialBackoff: 5s, maxBackoff: 1s}}\n"
                + "methods: [{name: a, http: {method: GET, path: /a}}]"))
                .hasMessageStartingWith("definition 'x': $.defaults.retry.maxBackoff: 1s");
    }

    @Test
    void semanticVersionsOrderByPrecedence() {
        assertThat(SemanticVersion.parse("1.10.0")).isGreaterThan(SemanticVersion.parse("1.9.3"));
        assertThat(SemanticVersion.parse("2.0.0-rc.1")).isLessThan(SemanticVersion.parse("2.0.0"));
        assertThatThrownBy(() -> SemanticVersion.parse("v1")).hasMessage("version: 'v1' (expected: semver major.minor.patch)");
    }
}
