package io.integration.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.registry.service.DefinitionFiles;
import io.integration.registry.service.ManagementException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code apply -f FILE|DIR}: creates or publishes every definition document (a folder's .yaml, .yml and .json files,
 * not its sub-folders); idempotent, and says so when nothing changed. Every file is tried; the exit code is 1 when any
 * was refused.
 */
@Command(name = "apply", description = "Create or publish definitions from a file or a folder; idempotent.")
final class ApplyCommand implements Callable<Integer> {

    @ParentCommand
    Cli cli;

    @Option(names = {"-f", "--file"}, required = true, description = "A definition file, or a folder of them.")
    Path path;

    @Override
    public Integer call() throws IOException {
        List<Path> files;
        try {
            files = DefinitionFiles.in(path);
        } catch (ManagementException e) {
            throw new Cli.Refused(ExitCodes.REFUSED, e.getMessage());
        }
        if (files.isEmpty()) {
            throw new Cli.Refused(ExitCodes.REFUSED, "no definition files (.yaml, .yml, .json) in " + path);
        }
        ApiClient api = cli.api();
        Output out = cli.output();
        List<List<String>> rows = new ArrayList<>();
        var raw = ApiClient.JSON.createArrayNode();
        TreeMap<String, Integer> counts = new TreeMap<>();
        int exit = ExitCodes.OK;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            try {
                JsonNode applied = api.post("/definitions/apply", text, "application/yaml");
                String outcome = applied.path("outcome").asText();
                counts.merge(outcome.toLowerCase(), 1, Integer::sum);
                rows.add(List.of(file.toString(), applied.path("name").asText() + "@" + applied.path("version").asText(), outcome,
                        applied.path("status").asText()));
                raw.addObject().put("file", file.toString()).setAll((com.fasterxml.jackson.databind.node.ObjectNode) applied);
            } catch (ApiClient.Failure f) {
                if (f.status == 0 || f.status == 401 || f.status == 403 || f.status >= 500) {
                    throw f; // nothing else will get through either (exit 4 or 3)
                }
                exit = ExitCodes.REFUSED;
                counts.merge("refused", 1, Integer::sum);
                rows.add(List.of(file.toString(), "-", "REFUSED", f.code + ": " + f.getMessage()));
                raw.addObject().put("file", file.toString()).put("outcome", "REFUSED").put("code", f.code).put("message", f.getMessage())
                        .set("details", f.details);
            }
        }
        out.table(raw, List.of("FILE", "DEFINITION", "OUTCOME", "STATUS"), rows);
        boolean nothingChanged = counts.keySet().stream().allMatch(k -> k.equals("unchanged"));
        out.message(nothingChanged ? "Nothing changed: all " + files.size() + " definition(s) already applied."
                : files.size() + " file(s): " + counts.toString().replaceAll("[{}]", "").replace("=", " "));
        return exit;
    }
}
