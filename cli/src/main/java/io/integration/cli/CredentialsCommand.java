package io.integration.cli;

import static io.integration.cli.ApiClient.segment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code credentials set ID --type api_key|bearer|basic|oauth2|oauth2_client_credentials}: the secret (for the OAuth2
 * types, the client secret) is read from standard input (first line), never from a flag, so it stays out of shell history
 * and the process list. {@code credentials show ID} prints what the API shows: never a secret.
 */
@Command(name = "credentials", description = "Store credentials (write-only).")
final class CredentialsCommand {

    @ParentCommand
    Cli cli;

    @Command(name = "set", description = "Create or replace a credential, pinned to the hosts it may be sent to; the secret is "
            + "read from stdin, e.g. printf %s \"$KEY\" | cli credentials set acme-key --type api_key --host api.example.com")
    int set(@Parameters(paramLabel = "ID") String id,
            @Option(names = "--type", required = true, description = "api_key, bearer, basic, oauth2 or oauth2_client_credentials") String type,
            @Option(names = "--username", description = "For basic.") String username,
            @Option(names = "--client-id", description = "For oauth2 and oauth2_client_credentials: the client id the provider issued.") String clientId,
            @Option(names = "--public-client", description = "For oauth2: a public client (PKCE only), no secret on stdin.") boolean publicClient,
            @Option(names = "--host", required = true, description = "A host the credential may be sent to (repeatable), "
                    + "e.g. --host api.github.com") java.util.List<String> hosts) throws IOException {
        String secret = publicClient ? "-" : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (secret == null || secret.isEmpty()) {
            throw new Cli.Refused(ExitCodes.USAGE, "no secret on standard input (pipe it in: printf %s \"$SECRET\" | cli credentials set ...)");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("hosts", hosts);
        switch (type) {
            case "api_key" -> body.put("key", secret);
            case "bearer" -> body.put("token", secret);
            case "basic" -> {
                body.put("username", username);
                body.put("password", secret);
            }
            case "oauth2", "oauth2_client_credentials" -> {
                if (clientId == null || clientId.isBlank()) {
                    throw new Cli.Refused(ExitCodes.USAGE, "--client-id: missing (expected: the client id the provider issued)");
                }
                body.put("clientId", clientId);
                if (!publicClient) {
                    body.put("clientSecret", secret);
                }
            }
            default -> throw new Cli.Refused(ExitCodes.USAGE, "--type: '" + type
                    + "' (expected: api_key, bearer, basic, oauth2 or oauth2_client_credentials)");
        }
        cli.output().object(cli.api().putJson("/credentials/" + segment(id), body), List.of("id", "type", "outcome"));
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "What is stored for a credential: type, hosts, hasSecret; for oauth2 whether it is "
            + "connected, the access token's expiry and the scopes. Never a secret.")
    int show(@Parameters(paramLabel = "ID") String id) {
        cli.output().object(cli.api().get("/credentials/" + segment(id)),
                List.of("id", "type", "hosts", "hasSecret", "clientId", "connected", "needsReauth", "expiresAt", "scopes"));
        return ExitCodes.OK;
    }
}
