package io.integration.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs chaos scenarios on separate processes and prints, per scenario, what the verifier found and
 * {@code ALL-REQUESTS-ACCOUNTED} when every criterion holds.
 * Usage: {@code ChaosMain <scenario>[,<scenario>...]|all|ci [--requests N] [--seconds S] [--mode group|share]}.
 */
public final class ChaosMain {

    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("a scenario is required");
        }
        boolean ci = args[0].equals("ci");
        List<Scenario> scenarios = switch (args[0]) {
            case "ci" -> List.of(Scenario.KILL, Scenario.POISON, Scenario.DUPLICATES, Scenario.PAUSE, Scenario.HOSTILE);
            case "all" -> List.of(Scenario.values());
            default -> Arrays.stream(args[0].split(",")).map(ChaosMain::scenario).toList();
        };
        // ci also runs queue mode's acceptance scenarios: a worker killed with records acquired, and poison.
        List<Scenario> queueToo = ci ? List.of(Scenario.KILL, Scenario.POISON) : List.of();
        int requests = ci ? 2000 : 10_000;
        int seconds = ci ? 20 : 40;
        for (int i = 1; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--mode" -> Cluster.mode = switch (args[i + 1]) {
                    case "group" -> Cluster.Mode.GROUP;
                    case "share" -> Cluster.Mode.SHARE;
                    default -> {
                        usage("--mode: '" + args[i + 1] + "' (expected: group or share)");
                        yield Cluster.Mode.GROUP;
                    }
                };
                default -> { }
            }
        }
        List<String> failed = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            if (!run(scenario, requests, Duration.ofSeconds(seconds))) {
                failed.add(scenario.name().toLowerCase(Locale.ROOT) + (Cluster.mode == Cluster.Mode.SHARE ? " (share)" : ""));
            }
        }
        Cluster.mode = Cluster.Mode.SHARE;
        for (Scenario scenario : queueToo) {
            if (!run(scenario, requests, Duration.ofSeconds(seconds))) {
                failed.add(scenario.name().toLowerCase(Locale.ROOT) + " (share)");
            }
        }
        int total = scenarios.size() + queueToo.size();
        System.out.printf("chaos: %d passed, %d failed%s%n", total - failed.size(), failed.size(), failed.isEmpty() ? "" : " " + failed);
        System.exit(failed.isEmpty() ? 0 : 1);
    }

    private static boolean run(Scenario scenario, int requests, Duration spread) throws Exception {
        String name = scenario.name().toLowerCase(Locale.ROOT);
        Path dir = Files.createTempDirectory("chaos-" + name + "-");
        System.out.printf("chaos %s (%s mode): %d requests over %d s; process logs in %s%n", name, Cluster.mode.name().toLowerCase(Locale.ROOT),
                requests, spread.toSeconds(), dir);
        long started = System.nanoTime();
        Generator.Plan plan = Generator.plan(requests, scenario.poisonPercent());
        try (Cluster cluster = new Cluster(dir, 5)) {
            Verdict findings = scenario.run(cluster, new Load(plan, spread));
            boolean ok = findings.accounted();
            System.out.printf("chaos %s (%.0f s):%n%s%n%s%n", name, (System.nanoTime() - started) / 1e9, findings.describe().indent(2).stripTrailing(),
                    ok ? "ALL-REQUESTS-ACCOUNTED" : "NOT ACCOUNTED: " + name);
            return ok;
        }
    }

    private static Scenario scenario(String name) {
        try {
            return Scenario.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            usage("unknown scenario '" + name + "'");
            return null;
        }
    }

    private static void usage(String problem) {
        System.err.println("chaos: " + problem + " (usage: scripts/chaos <scenario>[,<scenario>...]|all|ci [--requests N] [--seconds S] [--mode group|share];"
                + " scenarios: " + Arrays.stream(Scenario.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList() + ")");
        System.exit(2);
    }
}
