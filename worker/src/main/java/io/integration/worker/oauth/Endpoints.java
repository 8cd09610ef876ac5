package io.integration.worker.oauth;

import java.net.URI;

/**
 * The endpoints of one authorization server, as the definition lists them or as its metadata says.
 *
 * @param authorization null for client credentials
 * @param issuer null when the definition names none (then a callback's {@code iss} is not checked)
 * @param issRequired the server's metadata says it sends {@code iss} in authorization responses (RFC 9207): a callback
 *        without it is refused
 */
public record Endpoints(URI authorization, URI token, String issuer, boolean issRequired) {
}
