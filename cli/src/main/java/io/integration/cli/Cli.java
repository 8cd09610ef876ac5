package io.integration.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code cli}: the management API from the command line, and {@code request send} through Kafka. Global options come
 * from flags or the environment ({@code INTEGRATION_API_URL}, {@code INTEGRATION_API_TOKEN},
 * {@code INTEGRATION_KAFKA_BOOTSTRAP_SERVERS}); exit codes are in {@link ExitCodes}.
 */
@Command(name = "cli", mixinStandardHelpOptions = true, version = "integration-cli 0.1.0",
        description = "Manage integrations (definitions, instances, credentials, tokens) and send requests.",
        subcommands = {ApplyCommand.class, DefinitionsCommand.class, InstancesCommand.class, CredentialsCommand.class,
                TokensCommand.class, KeysCommand.class, AdaptersCommand.class, RequestCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (request send: SUCCESS)", "1:refused by the API (400, 404, 409, 413)", "2:bad command line",
                "3:no valid token or too small a scope (401, 403)", "4:API or Kafka unreachable or failing",
                "5:request send: the result is ERROR", "6:request send: no result within --wait"})
public final class Cli implements Callable<Integer> {

    @Option(names = "--api-url", scope = ScopeType.INHERIT, defaultValue = "${env:INTEGRATION_API_URL:-http://localhost:8080}",
            description = "Management API base URL (env INTEGRATION_API_URL; default ${DEFAULT-VALUE}).")
    String apiUrl;

    @Option(names = "--token", scope = ScopeType.INHERIT, defaultValue = "${env:INTEGRATION_API_TOKEN}",
            description = "API token (env INTEGRATION_API_TOKEN). Prefer the variable: a flag shows in the process list.")
    String token;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, defaultValue = "table",
            description = "table (default) or json.")
    Output.Format format;

    PrintWriter out;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        Cli cli = new Cli();
        cli.out = out;
        CommandLine line = new CommandLine(cli).setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ApiClient.Failure f) {
                err.println("error: " + f.getMessage() + (f.code == null ? "" : " [" + f.code + "]"));
                if (f.details != null && f.details.has("problems")) {
                    f.details.get("problems").forEach(p -> err.println("  " + p.path("path").asText() + ": " + p.path("message").asText()));
                }
                if (f.details != null && f.details.has("instances")) {
                    err.println("  instances: " + f.details.get("instances"));
                }
                err.flush();
                return f.exitCode();
            }
            if (e instanceof Refused r) {
                err.println("error: " + r.getMessage());
                err.flush();
                return r.exitCode;
            }
            throw e;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(out);
        return ExitCodes.USAGE;
    }

    ApiClient api() {
        return new ApiClient(apiUrl, token);
    }

    Output output() {
        return new Output(out, format);
    }

    /** A command's own refusal (a file that is not there, a bad flag value), with its exit code. */
    static final class Refused extends RuntimeException {
        final int exitCode;

        Refused(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }
}
