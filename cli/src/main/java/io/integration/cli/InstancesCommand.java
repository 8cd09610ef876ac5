package io.integration.cli;

import static io.integration.cli.ApiClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code instances create|list|show|test|disable|enable}. */
@Command(name = "instances", description = "Bind definitions to tenants' config and credentials; test and disable them.")
final class InstancesCommand {

    private static final List<String> FIELDS = List.of("id", "tenant", "definition", "definitionVersion", "status", "credentialId",
            "config", "lastUsedAt");

    @ParentCommand
    Cli cli;

    @Command(name = "create", description = "Create an instance.")
    int create(@Parameters(paramLabel = "ID") String id,
               @Option(names = "--definition", required = true, description = "Definition name.") String definition,
               @Option(names = "--version", description = "Exact version or range (^1.2); default: the highest published.") String version,
               @Option(names = "--tenant") String tenant,
               @Option(names = "--credential", description = "Id of a stored credential.") String credential,
               @Option(names = "--config", description = "Config as a JSON object.") String config) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("definition", definition);
        body.put("definitionVersion", version);
        body.put("tenant", tenant);
        body.put("credentialId", credential);
        if (config != null) {
            body.put("config", parse(config));
        }
        body.values().removeIf(java.util.Objects::isNull);
        cli.output().object(cli.api().postJson("/instances", body), FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "Instances (filters: --tenant, --definition, --status).")
    int list(@Option(names = "--tenant") String tenant, @Option(names = "--definition") String definition,
             @Option(names = "--status") String status, @Option(names = "--limit", defaultValue = "100") int limit,
             @Option(names = "--offset", defaultValue = "0") int offset) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("tenant", tenant);
        query.put("definition", definition);
        query.put("status", status);
        query.put("limit", String.valueOf(limit));
        query.put("offset", String.valueOf(offset));
        JsonNode page = cli.api().get("/instances", query);
        List<List<String>> rows = new ArrayList<>();
        page.path("items").forEach(i -> rows.add(List.of(i.path("id").asText(), i.path("tenant").asText(), i.path("definition").asText()
                + (i.hasNonNull("definitionVersion") ? "@" + i.path("definitionVersion").asText() : ""), i.path("status").asText())));
        cli.output().table(page, List.of("ID", "TENANT", "DEFINITION", "STATUS"), rows);
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "One instance with its status and last use.")
    int show(@Parameters(paramLabel = "ID") String id) {
        cli.output().object(cli.api().get("/instances/" + segment(id)), FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "health", description = "The instance's availability from the topology: status, reason, calls, failures by code,"
            + " p50/p95/p99 of the current window (needs the API's API_TOPOLOGY_URL).")
    int health(@Parameters(paramLabel = "ID") String id) {
        JsonNode health = cli.api().get("/integrations/" + segment(id) + "/health");
        if (cli.output().json()) {
            cli.output().print(health);
            return ExitCodes.OK;
        }
        JsonNode total = health.at("/current/total");
        cli.output().message(health.path("instanceId").asText() + " " + health.path("status").asText() + " since "
                + health.path("since").asText() + " (" + health.path("reason").asText() + ")\n"
                + "  window:   " + health.at("/current/start").asText() + " .. " + health.at("/current/end").asText() + "\n"
                + "  calls:    " + total.path("calls").asLong() + " (" + total.path("failures").asLong() + " failed, "
                + total.path("callerErrors").asLong() + " caller errors not counted)\n"
                + "  latency:  p50 " + total.path("p50Ms").asText("-") + " ms, p95 " + total.path("p95Ms").asText("-") + " ms, p99 "
                + total.path("p99Ms").asText("-") + " ms\n"
                + "  errors:   " + total.path("errorsByCode") + "\n"
                + "  circuits: " + health.path("openCircuits"));
        return ExitCodes.OK;
    }

    @Command(name = "test", description = "Run the definition's test method against the external system (exit 1 when it fails).")
    int test(@Parameters(paramLabel = "ID") String id) {
        JsonNode outcome = cli.api().post("/instances/" + segment(id) + "/test", null, "application/json");
        cli.output().object(outcome, List.of("ok", "errorCode", "message", "durationMs"));
        return outcome.path("ok").asBoolean() ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    @Command(name = "connect", description = "Start connecting an oauth2 instance: prints the URL to open in a browser (valid 10 "
            + "minutes); the provider sends the browser back to the API, which stores the tokens and sets the instance CONNECTED.")
    int connect(@Parameters(paramLabel = "ID") String id) {
        JsonNode started = cli.api().post("/instances/" + segment(id) + "/oauth/start", null, "application/json");
        cli.output().object(started, List.of("authorizationUrl", "expiresAt", "redirectUri"));
        return ExitCodes.OK;
    }

    @Command(name = "disable", description = "Stop every request of the instance.")
    int disable(@Parameters(paramLabel = "ID") String id) {
        cli.output().object(cli.api().post("/instances/" + segment(id) + "/disable", null, "application/json"), FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "enable", description = "Undo disable.")
    int enable(@Parameters(paramLabel = "ID") String id) {
        cli.output().object(cli.api().post("/instances/" + segment(id) + "/enable", null, "application/json"), FIELDS);
        return ExitCodes.OK;
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = ApiClient.JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new Cli.Refused(ExitCodes.USAGE, "--config: expected a JSON object, e.g. '{\"region\":\"eu\"}'");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new Cli.Refused(ExitCodes.USAGE, "--config: not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }
}
