package io.integration.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** One command line, run in-process as a user types it against the API on {@code apiPort}: its exit code and output. */
record CliRun(int exit, String out, String err) {

    static CliRun of(int apiPort, String token, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--api-url", "http://127.0.0.1:" + apiPort, "--token", token));
        all.addAll(List.of(args));
        int exit = Cli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new CliRun(exit, out.toString(), err.toString());
    }
}
