package io.integration.api;

import io.integration.registry.secret.Secret;
import io.integration.worker.config.OutboundText;
import java.util.Map;

/**
 * The management API's settings, from {@code API_*} environment variables.
 *
 * @param mongoUri {@code API_MONGO_URI}, default {@code mongodb://localhost:27017}
 * @param mongoDatabase {@code API_MONGO_DATABASE}, default {@code integration} (the workers' database)
 * @param host {@code API_HOST}, default {@code 0.0.0.0}
 * @param port {@code API_PORT}, default 8080 (0: any free port)
 * @param bootstrapToken {@code API_BOOTSTRAP_TOKEN}: an admin token to make sure exists at start (else, when no admin
 *        token exists, one is created and printed once)
 * @param firstTokenFile {@code API_FIRST_TOKEN_FILE}, default {@code api-first-admin-token}: where a first admin token
 *        created at start is written (mode 600), never to the console or a log
 * @param masterKey {@code API_CREDENTIALS_MASTER_KEY} (base64 256-bit), or {@code API_CREDENTIALS_MASTER_KEY_FILE} naming a
 *        file holding it: the key that opens the credentials keyset, the same as the workers'
 * @param masterKeyFile see {@code masterKey}
 * @param allowPrivateNetworks {@code API_OUTBOUND_ALLOW_PRIVATE_NETWORKS}, default false: whether connection tests may
 *        reach loopback and private addresses (the embedded demo API lives on loopback)
 * @param publicUrl {@code API_PUBLIC_URL}: the API's URL as a browser reaches it; the OAuth redirect URI is this plus
 *        {@code /oauth/callback} (default {@code http://localhost:<port>})
 * @param kafkaBootstrapServers {@code API_KAFKA_BOOTSTRAP_SERVERS}: where {@code integration.connected} and
 *        {@code integration.auth.failed} are published; unset: those events are logged only (the flows still work)
 * @param schemaRegistryUrl {@code API_SCHEMA_REGISTRY_URL}, default {@code http://localhost:8081}: for Avro events
 * @param eventsTopic {@code API_EVENTS_TOPIC}, default {@code integration.events}
 * @param eventsFormat {@code API_EVENTS_FORMAT}: {@code avro} (default, as the workers) or {@code json}
 * @param outboundAllowRanges {@code API_OUTBOUND_ALLOW_RANGES}, {@code API_OUTBOUND_ALLOW_PORTS}, {@code API_OUTBOUND_HOSTS}:
 *        the workers' {@code outbound.allow.ranges}, {@code outbound.allow.ports} and {@code outbound.hosts}, for the
 *        connection tests and token requests the API makes
 * @param pluginsDir {@code API_PLUGINS_DIR}: the workers' {@code plugins.dir}, so that publishing checks against, the
 *        adapter list shows, and connection tests run, the same adapters as the workers; unset: built-in adapters only
 * @param requestsTopic {@code API_REQUESTS_TOPIC}, default {@code integration.requests}: the workers' {@code topic.requests},
 *        where replays produce and which {@code source: requests} reads (replays need {@code API_KAFKA_BOOTSTRAP_SERVERS})
 * @param deadLetterTopic {@code API_DLT_TOPIC}, default {@code integration.requests-dlt}: the workers' {@code topic.dlt},
 *        which a re-drive ({@code source: dlt}) reads
 * @param topologyUrl {@code API_TOPOLOGY_URL}: a topology instance's query URL (e.g. {@code http://topology:8070}), which
 *        {@code GET /integrations/{id}/health} and {@code GET /requests/{id}} ask; unset: those routes answer 409
 *        {@code TOPOLOGY_UNAVAILABLE}
 */
public record ApiConfig(String mongoUri, String mongoDatabase, String host, int port, String bootstrapToken,
                        String firstTokenFile, Secret masterKey, String masterKeyFile, boolean allowPrivateNetworks,
                        String publicUrl, String kafkaBootstrapServers, String schemaRegistryUrl, String eventsTopic, String eventsFormat,
                        java.util.List<String> outboundAllowRanges, java.util.Set<Integer> outboundAllowPorts,
                        Map<String, String> outboundHosts, java.nio.file.Path pluginsDir, String requestsTopic, String deadLetterTopic,
                        String topologyUrl) {

    public ApiConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("API_PORT: " + port + " (expected: 0..65535)");
        }
        if (publicUrl != null) {
            java.net.URI uri;
            try {
                uri = new java.net.URI(publicUrl);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("API_PUBLIC_URL: '" + publicUrl + "' is not a URL (" + e.getReason() + ")");
            }
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalArgumentException("API_PUBLIC_URL: '" + publicUrl + "' (expected: an absolute http(s) URL without query"
                        + " or fragment, e.g. https://integrations.example.com)");
            }
            publicUrl = publicUrl.replaceAll("/+$", "");
        }
        if (topologyUrl != null) {
            java.net.URI uri;
            try {
                uri = new java.net.URI(topologyUrl);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("API_TOPOLOGY_URL: '" + topologyUrl + "' is not a URL (" + e.getReason() + ")");
            }
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("API_TOPOLOGY_URL: '" + topologyUrl + "' (expected: an absolute http(s) URL, e.g."
                        + " http://topology:8070)");
            }
            topologyUrl = topologyUrl.replaceAll("/+$", "");
        }
        eventsFormat = eventsFormat == null ? "avro" : eventsFormat;
        requestsTopic = requestsTopic == null ? "integration.requests" : requestsTopic;
        deadLetterTopic = deadLetterTopic == null ? "integration.requests-dlt" : deadLetterTopic;
        outboundAllowRanges = outboundAllowRanges == null ? java.util.List.of() : java.util.List.copyOf(outboundAllowRanges);
        outboundAllowPorts = outboundAllowPorts == null ? java.util.Set.of() : java.util.Set.copyOf(outboundAllowPorts);
        outboundHosts = outboundHosts == null ? Map.of() : Map.copyOf(outboundHosts);
        if (!eventsFormat.equals("avro") && !eventsFormat.equals("json")) {
            throw new IllegalArgumentException("API_EVENTS_FORMAT: '" + eventsFormat + "' (expected: avro or json)");
        }
    }

    /** Settings without a public URL or an event destination (events are logged only). */
    public ApiConfig(String mongoUri, String mongoDatabase, String host, int port, String bootstrapToken, String firstTokenFile,
                     Secret masterKey, String masterKeyFile, boolean allowPrivateNetworks) {
        this(mongoUri, mongoDatabase, host, port, bootstrapToken, firstTokenFile, masterKey, masterKeyFile, allowPrivateNetworks,
                null, null, "http://localhost:8081", "integration.events", "avro", null, null, null, null, null, null, null);
    }

    /** These settings with events published to the cluster at {@code bootstrapServers}, through {@code registryUrl}. */
    public ApiConfig withEvents(String bootstrapServers, String registryUrl, String topic, String format) {
        return new ApiConfig(mongoUri, mongoDatabase, host, port, bootstrapToken, firstTokenFile, masterKey, masterKeyFile,
                allowPrivateNetworks, publicUrl, bootstrapServers, registryUrl, topic, format, outboundAllowRanges, outboundAllowPorts,
                outboundHosts, pluginsDir, requestsTopic, deadLetterTopic, topologyUrl);
    }

    /** These settings with the adapters of the plugins folder {@code dir}. */
    public ApiConfig withPluginsDir(java.nio.file.Path dir) {
        return new ApiConfig(mongoUri, mongoDatabase, host, port, bootstrapToken, firstTokenFile, masterKey, masterKeyFile,
                allowPrivateNetworks, publicUrl, kafkaBootstrapServers, schemaRegistryUrl, eventsTopic, eventsFormat, outboundAllowRanges,
                outboundAllowPorts, outboundHosts, dir, requestsTopic, deadLetterTopic, topologyUrl);
    }

    /** These settings with the workers' requests and dead-letter topics (what replays read and write). */
    public ApiConfig withTopics(String requests, String deadLetters) {
        return new ApiConfig(mongoUri, mongoDatabase, host, port, bootstrapToken, firstTokenFile, masterKey, masterKeyFile,
                allowPrivateNetworks, publicUrl, kafkaBootstrapServers, schemaRegistryUrl, eventsTopic, eventsFormat, outboundAllowRanges,
                outboundAllowPorts, outboundHosts, pluginsDir, requests, deadLetters, topologyUrl);
    }

    /** These settings with the topology queried at {@code url} for health and request status. */
    public ApiConfig withTopology(String url) {
        return new ApiConfig(mongoUri, mongoDatabase, host, port, bootstrapToken, firstTokenFile, masterKey, masterKeyFile,
                allowPrivateNetworks, publicUrl, kafkaBootstrapServers, schemaRegistryUrl, eventsTopic, eventsFormat, outboundAllowRanges,
                outboundAllowPorts, outboundHosts, pluginsDir, requestsTopic, deadLetterTopic, url);
    }

    public static ApiConfig from(Map<String, String> env) {
        String port = env.getOrDefault("API_PORT", "8080");
        int parsed;
        try {
            parsed = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("API_PORT: '" + port + "' (expected: an integer 0..65535)");
        }
        String allow = env.getOrDefault("API_OUTBOUND_ALLOW_PRIVATE_NETWORKS", "false").trim();
        if (!allow.equals("true") && !allow.equals("false")) {
            throw new IllegalArgumentException("API_OUTBOUND_ALLOW_PRIVATE_NETWORKS: '" + allow + "' (expected: true or false)");
        }
        return new ApiConfig(env.getOrDefault("API_MONGO_URI", "mongodb://localhost:27017"),
                env.getOrDefault("API_MONGO_DATABASE", "integration"), env.getOrDefault("API_HOST", "0.0.0.0"), parsed,
                env.get("API_BOOTSTRAP_TOKEN"), env.getOrDefault("API_FIRST_TOKEN_FILE", "api-first-admin-token"),
                env.get("API_CREDENTIALS_MASTER_KEY") == null ? null : Secret.of(env.get("API_CREDENTIALS_MASTER_KEY")),
                env.get("API_CREDENTIALS_MASTER_KEY_FILE"), Boolean.parseBoolean(allow), blankToNull(env.get("API_PUBLIC_URL")),
                blankToNull(env.get("API_KAFKA_BOOTSTRAP_SERVERS")), env.getOrDefault("API_SCHEMA_REGISTRY_URL", "http://localhost:8081"),
                env.getOrDefault("API_EVENTS_TOPIC", "integration.events"), env.getOrDefault("API_EVENTS_FORMAT", "avro").trim(),
                OutboundText.ranges("API_OUTBOUND_ALLOW_RANGES", env.get("API_OUTBOUND_ALLOW_RANGES")),
                OutboundText.ports("API_OUTBOUND_ALLOW_PORTS", env.get("API_OUTBOUND_ALLOW_PORTS")),
                OutboundText.hosts("API_OUTBOUND_HOSTS", env.get("API_OUTBOUND_HOSTS")),
                blankToNull(env.get("API_PLUGINS_DIR")) == null ? null : java.nio.file.Path.of(env.get("API_PLUGINS_DIR").strip()),
                blankToNull(env.get("API_REQUESTS_TOPIC")), blankToNull(env.get("API_DLT_TOPIC")), blankToNull(env.get("API_TOPOLOGY_URL")));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
