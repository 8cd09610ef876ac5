package io.integration.worker.oauth;

import java.util.Map;

/**
 * Where {@code integration.connected}, {@code integration.auth.failed} and {@code integration.auth.refreshed} go (the
 * events topic, keyed by instance id). Attributes never hold a secret. Implementations do not block for long and never throw.
 */
@FunctionalInterface
public interface AuthEvents {

    String CONNECTED = "integration.connected";
    String AUTH_FAILED = "integration.auth.failed";
    String AUTH_REFRESHED = "integration.auth.refreshed";

    AuthEvents NONE = (type, instanceId, attributes) -> { };

    void publish(String type, String instanceId, Map<String, String> attributes);
}
