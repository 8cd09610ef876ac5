package io.integration.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code keys list|add|promote|rewrap|retire}: rotating the keys that seal credentials (admin). The order is add →
 * promote → rewrap → retire; requests keep working throughout.
 */
@Command(name = "keys", description = "Rotate the keys that seal credentials: add, promote, rewrap, retire (needs an admin token).")
final class KeysCommand {

    @ParentCommand
    Cli cli;

    @Command(name = "list", description = "The keys, the primary, and how many credentials each one seals.")
    int list() {
        JsonNode status = cli.api().get("/keys");
        List<List<String>> rows = new ArrayList<>();
        status.path("keys").forEach(k -> rows.add(List.of(k.path("id").asText(), k.path("primary").asBoolean() ? "primary" : "",
                k.path("status").asText(), status.path("usage").path(k.path("id").asText()).asText("0"))));
        cli.output().table(status, List.of("KEY", "ROLE", "STATUS", "CREDENTIALS"), rows);
        if (status.path("usage").has("-1")) {
            cli.output().message(status.path("usage").path("-1").asText() + " credential(s) are stored unencrypted (from before "
                    + "encryption): rewrap seals them");
        }
        return ExitCodes.OK;
    }

    @Command(name = "add", description = "Add a key (every process can open with it before anything is sealed with it).")
    int add() {
        cli.output().object(cli.api().post("/keys", null, "application/json"), List.of("keyId"));
        return ExitCodes.OK;
    }

    @Command(name = "promote", description = "Seal new secrets with this key.")
    int promote(@Parameters(paramLabel = "KEY") int key) {
        cli.output().object(cli.api().post("/keys/" + key + "/promote", null, "application/json"), List.of("primaryKeyId"));
        return ExitCodes.OK;
    }

    @Command(name = "rewrap", description = "Seal every credential again under the primary; waits and shows the progress.")
    int rewrap(@Option(names = "--no-wait", description = "Start it and return.") boolean noWait) throws InterruptedException {
        JsonNode progress = cli.api().post("/keys/rewrap", null, "application/json");
        while (!noWait && progress.path("running").asBoolean()) {
            Thread.sleep(Duration.ofMillis(500));
            progress = cli.api().get("/keys").path("rewrap");
            cli.output().message("rewrap: " + progress.path("examined").asInt() + "/" + progress.path("total").asInt());
        }
        cli.output().object(progress, List.of("running", "total", "examined", "resealed", "current", "failed"));
        return progress.path("failed").isEmpty() ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    @Command(name = "retire", description = "Retire a key; refused while it is the primary or seals any credential.")
    int retire(@Parameters(paramLabel = "KEY") int key) {
        cli.output().object(cli.api().delete("/keys/" + key), List.of("primaryKeyId", "usage"));
        return ExitCodes.OK;
    }
}
