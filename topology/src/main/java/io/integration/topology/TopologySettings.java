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
        long port = integer(env, "TOPOLOGY_HTTP_PORT", 8070);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("TOPOLOGY_HTTP_PORT: " + port + " (expected: 0..65535; 0 = any free port)");
        }
        String host = env.getOrDefault("TOPOLOGY_HTTP_HOST", "0.0.0.0");
        Properties streams = new Properties();
        env.forEach((name, value) -> {
            if (name.startsWith("TOPOLOGY_KAFKA_")) {
                streams.put(name.substring("TOPOLOGY_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        Duration dedupe = positive("TOPOLOGY_DEDUPE_RETENTION", duration(env, "TOPOLOGY_DEDUPE_RETENTION", Duration.ofHours(1)));
        Duration requests = positive("TOPOLOGY_REQUEST_STATUS_RETENTION", duration(env, "TOPOLOGY_REQUEST_STATUS_RETENTION", Duration.ofDays(7)));
        return new TopologySettings(topics, health, dedupe, requests, format,
                env.getOrDefault("TOPOLOGY_SCHEMA_REGISTRY_URL", "http://localhost:8081"),
                Path.of(env.getOrDefault("TOPOLOGY_STATE_DIR", "topology-state")), host, (int) port,
                env.getOrDefault("TOPOLOGY_HTTP_ADVERTISED_HOST", host.equals("0.0.0.0") ? "localhost" : host), streams);
    }

    private static Duration positive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: a positive duration)");
        }
        return value;
    }

    private static Duration duration(Map<String, String> env, String key, Duration otherwise) {
        String value = env.get(key);
        if (value == null) {
            return otherwise;
        }
        try {
            String v = value.trim().toUpperCase(Locale.ROOT);
            return v.startsWith("P") ? Duration.parse(v) : v.endsWith("D") ? Duration.parse("P" + v) : Duration.parse("PT" + v);
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
