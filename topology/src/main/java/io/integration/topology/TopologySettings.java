package io.integration.topology;

import io.integration.topology.health.HealthPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The topology's settings, from the environment ({@code TOPOLOGY_*}); every key, its default and meaning is in
 * docs/configuration.md. A value that cannot be read stops the start, naming the key and what it expects.
 */
public record TopologySettings(Topics topics, HealthPolicy health, Duration dedupeRetention, Duration requestRetention, String eventsFormat,
                               String registryUrl, Path stateDir, String httpHost, int httpPort, String advertisedHost, Properties streams) {

    /** The topics read and written. */
    public record Topics(String requests, String retry, String results, String events, String health) {
        public static final Topics DEFAULTS = new Topics("integration.requests", "integration.requests.retry", "integration.results",
                "integration.events", "integration.health");
    }

    public static final String APPLICATION_ID = "integration-topology";

    public static TopologySettings fromEnvironment(Map<String, String> env) {
        Topics topics = new Topics(env.getOrDefault("TOPOLOGY_TOPIC_REQUESTS", Topics.DEFAULTS.requests()),
                env.getOrDefault("TOPOLOGY_TOPIC_RETRY", Topics.DEFAULTS.retry()),
                env.getOrDefault("TOPOLOGY_TOPIC_RESULTS", Topics.DEFAULTS.results()),
                env.getOrDefault("TOPOLOGY_TOPIC_EVENTS", Topics.DEFAULTS.events()),
                env.getOrDefault("TOPOLOGY_TOPIC_HEALTH", Topics.DEFAULTS.health()));
        HealthPolicy defaults = HealthPolicy.DEFAULTS;
        HealthPolicy health;
        try {
            health = new HealthPolicy(duration(env, "TOPOLOGY_HEALTH_WINDOW", defaults.window()),
                    integer(env, "TOPOLOGY_HEALTH_MIN_CALLS", defaults.minCalls()),
                    ratio(env, "TOPOLOGY_HEALTH_DEGRADED_RATIO", defaults.degradedRatio()),
                    ratio(env, "TOPOLOGY_HEALTH_DOWN_RATIO", defaults.downRatio()),
                    env.containsKey("TOPOLOGY_HEALTH_SLOW_P95") ? duration(env, "TOPOLOGY_HEALTH_SLOW_P95", null) : null,
                    duration(env, "TOPOLOGY_HEALTH_PUBLISH_INTERVAL", defaults.publishInterval()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TOPOLOGY_HEALTH_*: " + e.getMessage(), e);
        }
        String format = env.getOrDefault("TOPOLOGY_EVENTS_FORMAT", "avro").toLowerCase(Locale.ROOT);
        if (!format.equals("avro") && !format.equals("json")) {
            throw new IllegalArgumentException("TOPOLOGY_EVENTS_FORMAT: '" + format + "' (expected: avro or json)");
        }
        int port = (int) integer(env, "TOPOLOGY_HTTP_PORT", 8070);
        String host = env.getOrDefault("TOPOLOGY_HTTP_HOST", "0.0.0.0");
        Properties streams = new Properties();
        env.forEach((name, value) -> {
            if (name.startsWith("TOPOLOGY_KAFKA_")) {
                streams.put(name.substring("TOPOLOGY_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return new TopologySettings(topics, health, duration(env, "TOPOLOGY_DEDUPE_RETENTION", Duration.ofHours(1)),
                duration(env, "TOPOLOGY_REQUEST_STATUS_RETENTION", Duration.ofDays(7)), format,
                env.getOrDefault("TOPOLOGY_SCHEMA_REGISTRY_URL", "http://localhost:8081"),
                Path.of(env.getOrDefault("TOPOLOGY_STATE_DIR", "topology-state")), host, port,
                env.getOrDefault("TOPOLOGY_HTTP_ADVERTISED_HOST", host.equals("0.0.0.0") ? "localhost" : host), streams);
    }

    private static Duration duration(Map<String, String> env, String key, Duration otherwise) {
        String value = env.get(key);
        if (value == null) {
            return otherwise;
        }
        try {
            return Duration.parse(value.startsWith("P") ? value : "PT" + value.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: a duration like 30s, 5m, 2h or PT30S)");
        }
    }

    private static long integer(Map<String, String> env, String key, long otherwise) {
        String value = env.get(key);
        if (value == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: an integer)");
        }
    }

    private static double ratio(Map<String, String> env, String key, double otherwise) {
        String value = env.get(key);
        if (value == null) {
            return otherwise;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: a number between 0 and 1)");
        }
    }
}
