package io.integration.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.embedded.DemoApi;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Seeds, through the CLI as an operator would, a definition with one method {@code getUser} on the demo API, its API key
 * credential and an instance using both: the one seeding path of these tests.
 */
final class DemoSeed {

    private DemoSeed() {
    }

    static void seed(int apiPort, String adminToken, DemoApi demo, String apiKey, String definitionName, String credentialId,
                     String instanceId) throws IOException {
        Path definition = Files.createTempFile(definitionName, ".yaml");
        Files.writeString(definition, """
                name: %s
                version: 1.0.0
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                auth: { type: api_key, apiKey: { in: header, name: X-Api-Key } }
                methods:
                  - name: getUser
                    http: { method: GET, path: "/v1/users/{params.id}" }
                """.formatted(definitionName, demo.url()));
        assertThat(CliRun.of(apiPort, adminToken, "apply", "-f", definition.toString()).exit()).isZero();
        System.setIn(new ByteArrayInputStream((apiKey + "\n").getBytes()));
        assertThat(CliRun.of(apiPort, adminToken, "credentials", "set", credentialId, "--type", "api_key", "--host", "127.0.0.1").exit())
                .isZero();
        assertThat(CliRun.of(apiPort, adminToken, "instances", "create", instanceId, "--definition", definitionName, "--credential",
                credentialId).exit()).isZero();
    }
}
