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

/** {@code definitions list|show|publish|deprecate|retire}. */
@Command(name = "definitions", description = "Find definitions and move versions through their lifecycle.")
final class DefinitionsCommand {

    @ParentCommand
    Cli cli;

    @Command(name = "list", description = "Definitions, one line per name (filters: --search, --tag, --auth-type, --adapter).")
    int list(@Option(names = "--search") String q, @Option(names = "--tag") String tag, @Option(names = "--auth-type") String authType,
             @Option(names = "--adapter") String adapter, @Option(names = "--limit", defaultValue = "100") int limit,
             @Option(names = "--offset", defaultValue = "0") int offset) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("q", q);
        query.put("tag", tag);
        query.put("authType", authType);
        query.put("adapter", adapter);
        query.put("limit", String.valueOf(limit));
        query.put("offset", String.valueOf(offset));
        JsonNode page = cli.api().get("/definitions", query);
        List<List<String>> rows = new ArrayList<>();
        page.path("items").forEach(d -> rows.add(List.of(d.path("name").asText(), d.path("latestVersion").asText(),
                d.path("authType").asText(), d.path("adapter").asText(), d.path("versions").toString().replaceAll("[{}\"]", ""),
                d.path("title").asText(""))));
        cli.output().table(page, List.of("NAME", "LATEST", "AUTH", "ADAPTER", "VERSIONS", "TITLE"), rows);
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "A version's status and document; without a version, every version.")
    int show(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "VERSION", arity = "0..1") String version) {
        if (version == null) {
            JsonNode page = cli.api().get("/definitions/" + segment(name) + "/versions", Map.of("limit", "500"));
            List<List<String>> rows = new ArrayList<>();
            page.path("items").forEach(v -> rows.add(List.of(v.path("version").asText(), v.path("status").asText(), v.path("title").asText(""))));
            cli.output().table(page, List.of("VERSION", "STATUS", "TITLE"), rows);
        } else {
            JsonNode definition = cli.api().get(path(name, version));
            Output out = cli.output();
            if (out.json()) {
                out.print(definition);
            } else {
                out.object(definition, List.of("name", "version", "status", "title"));
                out.message("methods: " + definition.at("/document/methods").findValuesAsText("name"));
            }
        }
        return ExitCodes.OK;
    }

    @Command(name = "publish", description = "DRAFT → PUBLISHED (every check runs again).")
    int publish(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "VERSION") String version) {
        return transition(name, version, "publish");
    }

    @Command(name = "deprecate", description = "PUBLISHED → DEPRECATED (still executable).")
    int deprecate(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "VERSION") String version) {
        return transition(name, version, "deprecate");
    }

    @Command(name = "retire", description = "→ RETIRED; refused while an instance uses the version.")
    int retire(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "VERSION") String version) {
        return transition(name, version, "retire");
    }

    private int transition(String name, String version, String action) {
        JsonNode definition = cli.api().post(path(name, version) + "/" + action, null, "application/json");
        cli.output().object(definition, List.of("name", "version", "status"));
        return ExitCodes.OK;
    }

    private static String path(String name, String version) {
        return "/definitions/" + segment(name) + "/versions/" + segment(version);
    }
}
