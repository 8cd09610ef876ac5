package io.integration.cli;

import io.integration.embedded.Infrastructure;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The settings of a worker these tests start in-process, as a deployment gives them. */
final class TestWorker {

    private TestWorker() {
    }

    /** {@code topics}: requests, results, events, dead letters, retry — in that order. */
    static Map<String, String> settings(Infrastructure infra, String database, String group, List<String> topics, String masterKey) {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", infra.bootstrapServers());
        settings.put("kafka.group.id", group);
        settings.put("schema.registry.url", infra.schemaRegistryUrl());
        settings.put("mongo.uri", infra.mongoUri());
        settings.put("mongo.database", database);
        settings.put("topic.requests", topics.get(0));
        settings.put("topic.results", topics.get(1));
        settings.put("topic.events", topics.get(2));
        settings.put("topic.dlt", topics.get(3));
        settings.put("topic.retry", topics.get(4));
        settings.put("outbound.allow.private.networks", "true");
        settings.put("credentials.master.key", masterKey);
        settings.put("ops.port", "0");
        return settings;
    }
}
