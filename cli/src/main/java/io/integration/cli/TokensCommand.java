package io.integration.cli;

import static io.integration.cli.ApiClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code tokens create|list|revoke} (admin scope). */
@Command(name = "tokens", description = "API tokens (needs an admin token).")
final class TokensCommand {

    @ParentCommand
    Cli cli;

    @Command(name = "create", description = "Create a token; its value is printed once and stored nowhere.")
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--scope", required = true, description = "read, write or admin") String scope) {
        JsonNode created = cli.api().postJson("/tokens", Map.of("name", name, "scope", scope));
        cli.output().object(created, List.of("id", "name", "scope", "token", "note"));
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "Every token (never its value).")
    int list() {
        JsonNode page = cli.api().get("/tokens", Map.of("limit", "500"));
        List<List<String>> rows = new ArrayList<>();
        page.path("items").forEach(t -> rows.add(List.of(t.path("id").asText(), t.path("name").asText(), t.path("scope").asText(),
                t.path("createdAt").asText(), t.hasNonNull("revokedAt") ? "revoked " + t.path("revokedAt").asText() : "active")));
        cli.output().table(page, List.of("ID", "NAME", "SCOPE", "CREATED", "STATE"), rows);
        return ExitCodes.OK;
    }

    @Command(name = "revoke", description = "Revoke a token by id.")
    int revoke(@Parameters(paramLabel = "ID") String id) {
        cli.output().object(cli.api().delete("/tokens/" + segment(id)), List.of("id", "name", "scope", "revokedAt"));
        return ExitCodes.OK;
    }
}
