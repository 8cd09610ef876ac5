package io.integration.cli;

import static io.integration.cli.ApiClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code replay}: starts a replay of the requests topic (or a re-drive of the dead letters with {@code --source dlt})
 * through the API and follows it with a progress bar until it ends; {@code replay list|status|cancel} for the others.
 */
@Command(name = "replay", description = {"Replay requests that failed (or, with --force, any) from the requests topic or the"
        + " dead-letter topic, by time or offset range and filters. Requests that already succeeded are skipped unless --force.",
        "Exit 0 when the replay is DONE, 1 when refused, 4 when it failed, was cancelled or interrupted."})
final class ReplayCommand implements java.util.concurrent.Callable<Integer> {

    private static final Pattern OFFSETS = Pattern.compile("^(\\d+):(\\d+)-(\\d+)$");

    @ParentCommand
    Cli cli;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--source", defaultValue = "requests", description = "requests (default) or dlt (re-drive dead letters).")
    String source;
    @Option(names = "--from", description = "First record time, ISO-8601 (2026-12-02T10:00:00Z); default: the topic's beginning.")
    String from;
    @Option(names = "--to", description = "End record time (exclusive), ISO-8601; default: the end of the topic now.")
    String to;
    @Option(names = "--offsets", paramLabel = "P:FROM-TO", description = "Partition P from offset FROM to TO, both inclusive; repeatable. Not with --from/--to.")
    List<String> offsets = new ArrayList<>();
    @Option(names = "--instance", description = "Only requests of this instance; repeatable.")
    List<String> instances = new ArrayList<>();
    @Option(names = "--method", description = "Only requests of this method; repeatable.")
    List<String> methods = new ArrayList<>();
    @Option(names = "--error-code", description = "Only requests whose recorded result has this error code; repeatable.")
    List<String> errorCodes = new ArrayList<>();
    @Option(names = "--request-id", description = "Only this request; repeatable.")
    List<String> requestIds = new ArrayList<>();
    @Option(names = "--dry-run", description = "Count what would be replayed; produce nothing.")
    boolean dryRun;
    @Option(names = "--rate", defaultValue = "100", description = "Most records produced per second (default ${DEFAULT-VALUE}).")
    int rate;
    @Option(names = "--force", description = "Also replay requests that succeeded (they call the external system again) or have no result yet.")
    boolean force;
    @Option(names = "--reason", description = "Why (required): kept in the audit log with who asked.")
    String reason;
    @Option(names = "--no-wait", description = "Print the replay's id and return; follow it with 'replay status ID'.")
    boolean noWait;

    @Override
    public Integer call() throws InterruptedException {
        if (reason == null || reason.isBlank()) {
            throw new Cli.Refused(ExitCodes.USAGE, "--reason: missing (expected: why this replay is run, e.g. --reason \"CRM outage fixed\")");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", source);
        put(body, "from", from);
        put(body, "to", to);
        if (!offsets.isEmpty()) {
            body.put("offsets", offsets());
        }
        putList(body, "instanceIds", instances);
        putList(body, "methods", methods);
        putList(body, "errorCodes", errorCodes);
        putList(body, "requestIds", requestIds);
        body.put("dryRun", dryRun);
        body.put("rate", rate);
        body.put("force", force);
        body.put("reason", reason);
        JsonNode started = cli.api().postJson("/replays", body);
        String id = started.path("id").asText();
        if (noWait) {
            cli.output().object(started, List.of("id", "state", "topic", "total"));
            return ExitCodes.OK;
        }
        cli.output().message("Replay " + id + " of " + started.path("topic").asText() + ": " + started.path("total").asLong()
                + " record(s) to read" + (dryRun ? " (dry run: nothing is produced)" : "") + ".");
        JsonNode status = follow(id, spec.commandLine().getErr());
        report(cli, status);
        return exitCode(status);
    }

    /** Polls the replay until it ends, drawing a progress bar with an ETA on {@code err}. */
    private JsonNode follow(String id, PrintWriter err) throws InterruptedException {
        Progress progress = new Progress(err, System.console() != null);
        while (true) {
            JsonNode status = cli.api().get("/replays/" + segment(id));
            progress.show(status);
            if (!"RUNNING".equals(status.path("state").asText())) {
                progress.end();
                return status;
            }
            Thread.sleep(300);
        }
    }

    /** A one-line progress bar: redrawn in place on a terminal, else a line every few seconds (logs stay readable). */
    private static final class Progress {
        private final PrintWriter err;
        private final boolean terminal;
        private final long started = System.nanoTime();
        private long lastLine;

        Progress(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        void show(JsonNode status) {
            long total = status.path("total").asLong();
            long scanned = status.path("counts").path("scanned").asLong() + status.path("counts").path("lost").asLong(); // lost records count as passed
            double share = total == 0 ? 1 : (double) scanned / total;
            int filled = (int) Math.round(share * 30);
            double seconds = (System.nanoTime() - started) / 1e9;
            String eta = scanned == 0 || scanned >= total ? "" : " ETA " + Math.round((total - scanned) * seconds / scanned) + "s";
            String line = "[" + "#".repeat(filled) + "-".repeat(30 - filled) + "] " + Math.round(share * 100) + "% " + scanned + "/" + total
                    + " read, " + status.path("counts").path("replayed").asLong() + " replayed" + eta;
            long now = System.nanoTime();
            if (terminal) {
                err.print("\r" + line + "   ");
                err.flush();
            } else if (now - lastLine > 5_000_000_000L || scanned >= total) {
                err.println(line);
                err.flush();
                lastLine = now;
            }
        }

        void end() {
            if (terminal) {
                err.println();
                err.flush();
            }
        }
    }

    private Map<String, Object> offsets() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String range : offsets) {
            Matcher m = OFFSETS.matcher(range.strip());
            if (!m.matches()) {
                throw new Cli.Refused(ExitCodes.USAGE, "--offsets: '" + range + "' (expected: PARTITION:FROM-TO, e.g. 0:100-200)");
            }
            try {
                out.put(Integer.toString(Integer.parseInt(m.group(1))), Map.of("from", Long.parseLong(m.group(2)), "to", Long.parseLong(m.group(3))));
            } catch (NumberFormatException e) {
                throw new Cli.Refused(ExitCodes.USAGE, "--offsets: '" + range + "' (expected: a partition and offsets that fit in 64 bits)");
            }
        }
        return out;
    }

    private static void put(Map<String, Object> body, String field, String value) {
        if (value != null && !value.isBlank()) {
            body.put(field, value.strip());
        }
    }

    private static void putList(Map<String, Object> body, String field, List<String> values) {
        if (!values.isEmpty()) {
            body.put(field, values);
        }
    }

    /** The end of a replay: its state and counts (a table), or the API's JSON. */
    static void report(Cli cli, JsonNode status) {
        if (cli.output().json()) {
            cli.output().print(status);
            return;
        }
        JsonNode c = status.path("counts");
        boolean dry = status.path("request").path("dryRun").asBoolean();
        long scanned = c.path("scanned").asLong();
        long replayed = c.path("replayed").asLong();
        String text = "Replay " + status.path("id").asText() + " " + status.path("state").asText()
                + (status.hasNonNull("error") ? ": " + status.path("error").asText() : "") + "\n"
                + "  read:     " + scanned + " of " + status.path("total").asLong() + "\n"
                + "  " + (dry ? "would replay: " : "replayed: ") + replayed + "\n"
                + "  skipped:  " + (scanned - replayed) + " (not matching " + c.path("notMatching").asLong() + ", succeeded "
                + c.path("succeeded").asLong() + ", no result yet " + c.path("pending").asLong() + ", duplicate "
                + c.path("duplicate").asLong() + ", undecodable " + c.path("undecodable").asLong() + ", deadline passed "
                + c.path("expired").asLong() + ")"
                + (c.path("lost").asLong() > 0 ? "\n  lost:     " + c.path("lost").asLong() + " (deleted by the topic's retention before they were read)" : "");
        cli.output().message(text);
    }

    static int exitCode(JsonNode status) {
        return "DONE".equals(status.path("state").asText()) ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    }

    @Command(name = "list", description = "Replays, newest first: who started them, why, how they ended.")
    int list(@Option(names = "--limit", defaultValue = "20") int limit) {
        JsonNode page = cli.api().get("/replays", Map.of("limit", Integer.toString(limit)));
        List<List<String>> rows = new ArrayList<>();
        page.path("items").forEach(r -> rows.add(List.of(r.path("id").asText(), r.path("state").asText(), r.path("topic").asText(),
                r.path("counts").path("replayed").asText() + "/" + r.path("total").asText(), r.path("actor").asText(),
                r.path("createdAt").asText(), r.path("reason").asText())));
        cli.output().table(page, List.of("ID", "STATE", "TOPIC", "REPLAYED/TOTAL", "BY", "STARTED", "REASON"), rows);
        return ExitCodes.OK;
    }

    @Command(name = "status", description = "One replay's progress and counts.")
    int status(@Parameters(paramLabel = "ID") String id) {
        report(cli, cli.api().get("/replays/" + segment(id)));
        return ExitCodes.OK;
    }

    @Command(name = "cancel", description = "Stop a running replay after its current record.")
    int cancel(@Parameters(paramLabel = "ID") String id) {
        report(cli, cli.api().post("/replays/" + segment(id) + "/cancel", null, "application/json"));
        return ExitCodes.OK;
    }
}
