package io.integration.registry.service;

import java.time.Instant;
import java.util.Map;

/**
 * Connecting an instance's account with an OAuth2 authorization-code flow: the port the management API's routes use;
 * the worker module implements it (it owns the outbound HTTP rules the token request must follow).
 */
public interface AccountConnections {

    /** The fixed callback path every provider is registered with (under the API's public URL). */
    String CALLBACK_PATH = "/oauth/callback";

    /** Where to send the user's browser, until when that link works, and the redirect URI it carries. */
    record Started(String authorizationUrl, Instant expiresAt, String redirectUri) {
    }

    /** What a callback did: {@code instanceId} null when its state was unknown; {@code message} is safe to show. */
    record Completed(boolean connected, String instanceId, String error, String message) {
    }

    /** Starts connecting instance {@code instanceId}. */
    Started start(String instanceId);

    /** Completes a flow from the callback's query parameters; never throws for bad input. */
    Completed complete(Map<String, String> query);
}
