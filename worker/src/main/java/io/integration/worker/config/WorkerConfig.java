package io.integration.worker.config;

import static java.util.Objects.requireNonNull;

import io.integration.worker.execution.ExecutionSettings;
import io.integration.worker.config.MessagingSettings.Format;
import io.integration.worker.config.MessagingSettings.RequestLimits;
import io.integration.worker.config.MessagingSettings.Topics;
import io.integration.registry.text.DurationText;
import io.integration.registry.secret.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The worker's settings, typed and validated. Built from flat keys (see docs/configuration.md):
 * {@code kafka.*} is passed to the Kafka clients verbatim ({@code kafka.consumer.*} / {@code kafka.producer.*}
 * to one of them only); everything else is the worker's own.
 */
public record WorkerConfig(
        MessagingSettings messaging,
        String schemaRegistryUrl,
        String mongoUri,
        String mongoDatabase,
        ExecutionSettings execution,
        boolean allowPrivateNetworks,
        Duration drainTimeout,
        Duration registryCacheTtl,
        Duration maxHold,
        long maxInFlightBytes,
        Secret masterKey,
        String masterKeyFile,
        Duration oauthRefreshMargin,
        Duration oauthTokenTimeout,
        List<String> outboundAllowRanges,
        Set<Integer> outboundAllowPorts,
        Map<String, String> outboundHosts,
        java.nio.file.Path pluginsDir,
        AdapterCheck adapterCheck,
        String opsHost,
        int opsPort,
        int responseCacheEntries,
        long responseCacheBytes,
        int maxCallsPerInstance,
        String httpClient) {

    /**
     * What a worker does at start with a published definition its adapters cannot run (type missing, version outside
     * the definition's range): {@code warn} logs each one and starts (its requests fail with EXECUTION_ERROR naming the
     * adapter), {@code fail} refuses to start.
     */
    public enum AdapterCheck { WARN, FAIL }

    private static final Set<String> OWN_KEYS = Set.of("schema.registry.url", "mongo.uri", "mongo.database", "topic.requests",
            "topic.results", "topic.events", "topic.dlt", "topic.retry", "results.format", "events.format", "worker.max.in.flight",
            "http.timeout", "http.max.response.bytes", "outbound.allow.private.networks", "worker.shutdown.timeout",
            "worker.max.in.flight.per.partition", "worker.revoke.timeout", "registry.cache.ttl", "worker.max.hold",
            "worker.drain.timeout", "worker.reply.topics", "worker.max.publish.attempts", "worker.max.retry.after",
            "worker.max.in.flight.bytes", "results.claim.check.bytes", "request.max.id.chars", "request.max.attributes",
            "request.max.attributes.bytes", "request.max.params.bytes", "credentials.master.key", "credentials.master.key.file",
            "oauth.refresh.margin", "oauth.token.timeout", "outbound.allow.ranges", "outbound.allow.ports", "outbound.hosts",
            "plugins.dir", "adapters.check", "ops.host", "ops.port", "cache.max.entries", "cache.max.bytes",
            "worker.max.calls.per.instance", "worker.input.mode", "topic.queue", "worker.share.group", "worker.share.lock.duration",
            "worker.share.delivery.limit", "worker.share.configure", "worker.share.dlq.topic", "http.client");

    public WorkerConfig {
        requireNonNull(messaging, "messaging");
        requireNonNull(schemaRegistryUrl, "schema.registry.url");
        requireNonNull(mongoUri, "mongo.uri");
        requireNonNull(mongoDatabase, "mongo.database");
        requireNonNull(execution, "execution");
        requireNonNull(drainTimeout, "worker.drain.timeout");
        requireNonNull(adapterCheck, "adapters.check");
        if (maxInFlightBytes < 1) {
            throw new IllegalArgumentException("worker.max.in.flight.bytes: " + maxInFlightBytes + " (expected: >= 1)");
        }
    }

    /**
     * Reads flat settings.
     *
     * @throws IllegalArgumentException naming the key and the expected value, for a bad value or an unknown key
     */
    public static WorkerConfig from(Map<String, String> settings) {
        Map<String, String> kafka = new TreeMap<>();
        Map<String, String> consumer = new TreeMap<>();
        Map<String, String> producer = new TreeMap<>();
        Map<String, String> share = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith("kafka.share.")) {
                share.put(key.substring("kafka.share.".length()), value);
            } else if (key.startsWith("kafka.consumer.")) {
                consumer.put(key.substring("kafka.consumer.".length()), value);
            } else if (key.startsWith("kafka.producer.")) {
                producer.put(key.substring("kafka.producer.".length()), value);
            } else if (key.startsWith("kafka.")) {
                kafka.put(key.substring("kafka.".length()), value);
            } else if (!OWN_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown setting (expected: kafka.* or one of "
                        + new java.util.TreeSet<>(OWN_KEYS) + ")");
            }
        });
        kafka.putIfAbsent("bootstrap.servers", "localhost:9092");
        Topics topics = new Topics(get(settings, "topic.requests", Topics.DEFAULTS.requests()),
                get(settings, "topic.results", Topics.DEFAULTS.results()),
                get(settings, "topic.events", Topics.DEFAULTS.events()),
                get(settings, "topic.dlt", Topics.DEFAULTS.deadLetter()),
                get(settings, "topic.retry", Topics.DEFAULTS.retry()));
        // worker.shutdown.timeout is the key's earlier name, still accepted.
        Duration drainTimeout = duration(settings, "worker.drain.timeout", duration(settings, "worker.shutdown.timeout", Duration.ofSeconds(30)));
        RequestLimits limits = new RequestLimits(
                positiveInt(settings, "request.max.id.chars", RequestLimits.DEFAULTS.maxIdChars()),
                positiveInt(settings, "request.max.attributes", RequestLimits.DEFAULTS.maxAttributes()),
                positiveInt(settings, "request.max.attributes.bytes", RequestLimits.DEFAULTS.maxAttributesBytes()),
                positiveInt(settings, "request.max.params.bytes", RequestLimits.DEFAULTS.maxParamsBytes()));
        MessagingSettings messaging = new MessagingSettings(kafka, consumer, producer, topics,
                format(settings, "results.format", "mirror", Set.of(Format.values())),
                format(settings, "events.format", "avro", Set.of(Format.AVRO, Format.JSON)),
                positiveInt(settings, "worker.max.in.flight", 1024),
                positiveInt(settings, "worker.max.in.flight.per.partition", 256),
                duration(settings, "worker.revoke.timeout", Duration.ofSeconds(10)),
                drainTimeout,
                list(settings, "worker.reply.topics"),
                limits,
                positiveInt(settings, "worker.max.publish.attempts", 5),
                queue(settings, share));
        long maxRequestSize = messaging.maxRequestSize();
        long claimCheckBytes = nonNegativeLong(settings, "results.claim.check.bytes", 0);
        ExecutionSettings execution = new ExecutionSettings(
                duration(settings, "http.timeout", ExecutionSettings.DEFAULTS.defaultTimeout()),
                positiveLong(settings, "http.max.response.bytes", ExecutionSettings.fittingResponseBytes(maxRequestSize)),
                duration(settings, "worker.max.retry.after", ExecutionSettings.DEFAULTS.maxRetryAfter()),
                claimCheckBytes);
        if (claimCheckBytes > 0 && claimCheckBytes > ExecutionSettings.fittingResponseBytes(maxRequestSize)) {
            throw new IllegalArgumentException("results.claim.check.bytes: " + claimCheckBytes + " (expected: at most "
                    + ExecutionSettings.fittingResponseBytes(maxRequestSize) + ", so that data kept inline still fits max.request.size "
                    + maxRequestSize + ")");
        }
        return new WorkerConfig(messaging,
                get(settings, "schema.registry.url", "http://localhost:8081"),
                get(settings, "mongo.uri", "mongodb://localhost:27017"),
                get(settings, "mongo.database", "integration"),
                execution,
                bool(settings, "outbound.allow.private.networks", false),
                drainTimeout,
                duration(settings, "registry.cache.ttl", Duration.ofSeconds(5)),
                duration(settings, "worker.max.hold", Duration.ofSeconds(30)),
                positiveLong(settings, "worker.max.in.flight.bytes", defaultInFlightBytes()),
                settings.get("credentials.master.key") == null || settings.get("credentials.master.key").isBlank() ? null
                        : Secret.of(settings.get("credentials.master.key").strip()),
                settings.get("credentials.master.key.file"),
                duration(settings, "oauth.refresh.margin", Duration.ofMinutes(5)),
                duration(settings, "oauth.token.timeout", Duration.ofSeconds(10)),
                OutboundText.ranges("outbound.allow.ranges", settings.get("outbound.allow.ranges")),
                OutboundText.ports("outbound.allow.ports", settings.get("outbound.allow.ports")),
                OutboundText.hosts("outbound.hosts", settings.get("outbound.hosts")),
                settings.get("plugins.dir") == null || settings.get("plugins.dir").isBlank() ? null
                        : java.nio.file.Path.of(settings.get("plugins.dir").strip()),
                adapterCheck(settings.getOrDefault("adapters.check", "warn")),
                get(settings, "ops.host", "0.0.0.0"),
                opsPort(settings.getOrDefault("ops.port", "9400")),
                (int) longAtLeast(settings, "cache.max.entries", 10_000, 0, Integer.MAX_VALUE),
                longAtLeast(settings, "cache.max.bytes", 64L * 1024 * 1024, 0, Long.MAX_VALUE),
                positiveInt(settings, "worker.max.calls.per.instance", 256),
                httpClient(settings.getOrDefault("http.client", io.integration.worker.adapter.AdapterContext.DEFAULT_HTTP_CLIENT)));
    }

    private static MessagingSettings.Queue queue(Map<String, String> settings, Map<String, String> share) {
        MessagingSettings.Queue defaults = MessagingSettings.Queue.GROUP_ONLY;
        String mode = settings.getOrDefault("worker.input.mode", "group").strip();
        MessagingSettings.InputMode inputMode;
        try {
            inputMode = MessagingSettings.InputMode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("worker.input.mode: '" + mode + "' (expected: group, share or both)");
        }
        return new MessagingSettings.Queue(inputMode, get(settings, "topic.queue", defaults.topic()),
                get(settings, "worker.share.group", defaults.group()),
                duration(settings, "worker.share.lock.duration", defaults.lockDuration()),
                (int) longAtLeast(settings, "worker.share.delivery.limit", defaults.deliveryLimit(), 2, 10),
                bool(settings, "worker.share.configure", defaults.configureGroup()),
                settings.getOrDefault("worker.share.dlq.topic", defaults.deadLetterQueue()).strip(), share);
    }

    /** The HTTP client of the http, graphql and webhook adapters: the JDK's or Jetty's (docs/configuration.md). */
    private static String httpClient(String value) {
        String kind = value.strip().toLowerCase(Locale.ROOT);
        if (!kind.equals("jdk") && !kind.equals("jetty")) {
            throw new IllegalArgumentException("http.client: '" + value + "' (expected: jdk or jetty)");
        }
        return kind;
    }

    private static int opsPort(String value) {
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= -1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("ops.port: '" + value + "' (expected: 0..65535; 0 = any free port, -1 = no endpoint)");
    }

    private static AdapterCheck adapterCheck(String value) {
        try {
            return AdapterCheck.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("adapters.check: '" + value + "' (expected: warn or fail)");
        }
    }

    /** A quarter of the heap for response bodies in flight, at most 256 MiB. */
    static long defaultInFlightBytes() {
        return Math.min(256L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4);
    }

    private static List<String> list(Map<String, String> s, String key) {
        String v = s.get(key);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        List<String> items = java.util.Arrays.stream(v.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
        if (items.isEmpty()) {
            throw new IllegalArgumentException(key + ": '" + v + "' (expected: comma-separated topic names or patterns with *)");
        }
        return items;
    }

    private static long nonNegativeLong(Map<String, String> s, String key, long fallback) {
        return longAtLeast(s, key, fallback, 0, Long.MAX_VALUE);
    }

    private static String get(Map<String, String> s, String key, String fallback) {
        String v = s.get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static Format format(Map<String, String> s, String key, String fallback, Set<Format> allowed) {
        String v = get(s, key, fallback);
        try {
            Format f = Format.valueOf(v.toUpperCase(Locale.ROOT));
            if (allowed.contains(f)) {
                return f;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below with the allowed values
        }
        throw new IllegalArgumentException(key + ": '" + v + "' (expected: one of "
                + allowed.stream().map(f -> f.name().toLowerCase(Locale.ROOT)).sorted().toList() + ")");
    }

    private static int positiveInt(Map<String, String> s, String key, int fallback) {
        return (int) longAtLeast(s, key, fallback, 1, Integer.MAX_VALUE);
    }

    private static long positiveLong(Map<String, String> s, String key, long fallback) {
        return longAtLeast(s, key, fallback, 1, Long.MAX_VALUE);
    }

    private static long longAtLeast(Map<String, String> s, String key, long fallback, long min, long max) {
        String v = get(s, key, Long.toString(fallback));
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": '" + v + "' (expected: an integer >= " + min
                + (max == Long.MAX_VALUE ? "" : " and <= " + max) + ")");
    }

    private static Duration duration(Map<String, String> s, String key, Duration fallback) {
        String v = s.get(key);
        return v == null || v.isBlank() ? fallback : DurationText.parse(key, v);
    }

    private static boolean bool(Map<String, String> s, String key, boolean fallback) {
        String v = get(s, key, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + ": '" + v + "' (expected: true or false)");
        };
    }
}
