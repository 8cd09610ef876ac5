package io.integration.cli;

import static io.integration.cli.ApiClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code adapters list|show}: what publishing checks definitions against (built-in adapters and plugins). */
@Command(name = "adapters", description = "Installed adapters (built-in and plugins) and the schemas they declare.")
final class AdaptersCommand {

    @ParentCommand
    Cli cli;

    @Command(name = "list", description = "Every installed adapter: type, version, origin, the method field it reads.")
    int list() {
        JsonNode page = cli.api().get("/adapters", Map.of("limit", "500"));
        List<List<String>> rows = new ArrayList<>();
        page.path("items").forEach(a -> rows.add(List.of(a.path("type").asText(), a.path("version").asText(), a.path("origin").asText(),
                a.path("bindingField").asText())));
        cli.output().table(page, List.of("TYPE", "VERSION", "ORIGIN", "METHOD FIELD"), rows);
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "One adapter with the JSON Schemas of adapter.config and of a method's binding.")
    int show(@Parameters(paramLabel = "TYPE") String type) {
        cli.output().object(cli.api().get("/adapters/" + segment(type), Map.of()),
                List.of("type", "version", "origin", "bindingField", "configSchema", "bindingSchema"));
        return ExitCodes.OK;
    }
}
