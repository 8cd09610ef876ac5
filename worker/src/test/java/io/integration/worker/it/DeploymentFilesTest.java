package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, the Dockerfile and deploy/ checked for what docs/configuration.md promises of them, on machines
 * without a Docker engine (where they cannot run): pinned images, healthchecks, every variable in .env.example, non-root
 * images on the benchmarks' JDK with exec-form entrypoints, Prometheus scraping the workers' ops port, and a dashboard
 * that queries documented metrics only (MetricsIT checks that a real scrape has each of them).
 */
class DeploymentFilesTest {

    /** Services that end (topics). */
    private static final List<String> WITHOUT_HEALTHCHECK = List.of("topics");

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        Map<String, Object> compose = new Yaml().load(OperatorFiles.read("docker-compose.yml"));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void everyImageIsPinnedToAnExactVersion() {
        services().forEach((name, service) -> {
            if (service.containsKey("image")) {
                assertThat((String) service.get("image")).as(name).matches("[a-z0-9./-]+:v?\\d+\\.\\d+\\.\\d+(-[a-z0-9.-]+)?");
            } else {
                assertThat(service).as(name + " builds an image of the Dockerfile").containsKey("build");
            }
        });
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(OperatorFiles.read("Dockerfile"));
        while (from.find()) {
            assertThat(from.group(1)).matches("[a-z0-9./-]+:[0-9][0-9a-z._-]*|runtime");
        }
    }

    @Test
    void everyLongRunningServiceHasAHealthcheck() {
        services().forEach((name, service) -> {
            if (!WITHOUT_HEALTHCHECK.contains(name)) {
                assertThat(service).as(name).containsKey("healthcheck");
            }
        });
    }

    @Test
    void everyVariableTheComposeFileReadsIsInTheEnvExample() {
        String example = OperatorFiles.read(".env.example");
        Matcher variable = Pattern.compile("\\$\\{([A-Z_]+)").matcher(OperatorFiles.read("docker-compose.yml"));
        int found = 0;
        while (variable.find()) {
            found++;
            assertThat(example).as(".env.example").containsPattern("(?m)^" + variable.group(1) + "=");
        }
        assertThat(found).isPositive();
    }

    @Test
    void imagesRunAsAnUnprivilegedUserOnTheBenchmarksJdkWithExecFormEntrypoints() {
        String dockerfile = OperatorFiles.read("Dockerfile");
        assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:\\S+ AS runtime$").containsPattern("(?m)^USER 10001:10001$");
        for (String target : List.of("worker", "topology", "api")) {
            assertThat(dockerfile).as(target + " builds on the runtime stage").containsPattern("(?m)^FROM runtime AS " + target + "$");
        }
        assertThat(dockerfile).doesNotContainPattern("(?m)^USER (root|0)\\b");
        Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT (.*)$").matcher(dockerfile);
        int entrypoints = 0;
        while (entrypoint.find()) {
            entrypoints++;
            assertThat(entrypoint.group(1)).as("exec form: SIGTERM reaches the JVM").startsWith("[\"java\"");
        }
        assertThat(entrypoints).isEqualTo(3);
        Matcher benchmarked = Pattern.compile("\\(JDK (\\d+)\\)").matcher(OperatorFiles.read("docs/performance.md"));
        assertThat(benchmarked.find()).as("docs/performance.md names the JDK of its figures").isTrue();
        assertThat(dockerfile).contains("eclipse-temurin:" + benchmarked.group(1) + ".").contains("eclipse-temurin-" + benchmarked.group(1) + " AS build");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesEveryWorkerOnItsOpsPortAndGrafanaGetsItsFiles() {
        Map<String, Map<String, Object>> services = services();
        Map<String, Object> workerEnv = (Map<String, Object>) services.get("worker").get("environment");
        Map<String, Object> prometheus = new Yaml().load(OperatorFiles.read("deploy/prometheus/prometheus.yml"));
        Map<String, Object> job = ((List<Map<String, Object>>) prometheus.get("scrape_configs")).getFirst();
        Map<String, Object> dns = ((List<Map<String, Object>>) job.get("dns_sd_configs")).getFirst();
        assertThat((List<String>) dns.get("names")).containsExactly("worker");
        assertThat(String.valueOf(dns.get("port"))).isEqualTo(workerEnv.get("WORKER_OPS_PORT"));
        assertThat(job.get("metrics_path")).isEqualTo("/metrics");
        for (String service : List.of("prometheus", "grafana")) {
            for (String volume : (List<String>) services.get(service).get("volumes")) {
                assertThat(Files.exists(OperatorFiles.ROOT.resolve(volume.substring(0, volume.indexOf(':')))))
                        .as(service + " mounts " + volume).isTrue();
            }
        }
    }

    @Test
    void theDashboardQueriesDocumentedMetricsOnly() {
        List<String> documented = OperatorFiles.documentedMetrics();
        for (String metric : OperatorFiles.dashboardMetrics()) {
            assertThat(documented).as("docs/operations.md documents " + metric).anyMatch(metric::startsWith);
        }
    }
}
