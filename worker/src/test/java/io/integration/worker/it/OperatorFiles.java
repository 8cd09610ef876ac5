package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the files operators read promise about metrics: docs/operations.md's table and the Grafana dashboard's queries. */
final class OperatorFiles {

    static final Path ROOT = Path.of("..");

    private OperatorFiles() {
    }

    static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The metric names of docs/operations.md's table (a {@code *} in the table stands for any suffix: the prefix is given). */
    static List<String> documentedMetrics() {
        String doc = read("docs/operations.md");
        String table = doc.substring(doc.indexOf("## Metrics and probes"), doc.indexOf("## Logs"));
        List<String> names = new java.util.ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| (`[^|]+`) \\|").matcher(table);
        while (row.find()) {
            Matcher name = Pattern.compile("`([a-z_]+)\\*?`").matcher(row.group(1));
            while (name.find()) {
                names.add(name.group(1));
            }
        }
        assertThat(names).as("metric names in docs/operations.md").hasSizeGreaterThan(12);
        return names;
    }

    /** Every metric name the Grafana dashboard's queries use (as Prometheus exposes it: with _count, _sum, _max, _total). */
    static Set<String> dashboardMetrics() {
        String dashboard = read("deploy/grafana/dashboards/integration-service.json");
        Set<String> names = new LinkedHashSet<>();
        Matcher expr = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(dashboard);
        while (expr.find()) {
            // Label names (in selectors and in "by (...)") are not metrics.
            String query = expr.group(1).replaceAll("\\{[^}]*}", "").replaceAll("by \\([^)]*\\)", "");
            Matcher name = Pattern.compile("\\b((?:integration|kafka|jvm|process)_[a-z_]+)\\b").matcher(query);
            while (name.find()) {
                names.add(name.group(1));
            }
        }
        assertThat(names).as("metrics the dashboard queries").hasSizeGreaterThan(10);
        return names;
    }
}
