package io.integration.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * How calls of a definition authenticate. The secrets live in the instance's credential; this says
 * which kind of credential is needed and where its value goes.
 */
public record AuthSpec(Type type, ApiKeyPlacement apiKey, Map<String, Object> oauth2) {

    public static final AuthSpec NONE = new AuthSpec(Type.NONE, null, Map.of());

    public AuthSpec {
        type = type == null ? Type.NONE : type;
        apiKey = apiKey == null ? ApiKeyPlacement.DEFAULT : apiKey;
        oauth2 = oauth2 == null ? Map.of() : oauth2;
    }

    /** The auth types of DESIGN.md. */
    public enum Type {
        @JsonProperty("none") NONE,
        @JsonProperty("api_key") API_KEY,
        @JsonProperty("basic") BASIC,
        @JsonProperty("bearer") BEARER,
        @JsonProperty("oauth2") OAUTH2,
        @JsonProperty("oauth2_client_credentials") OAUTH2_CLIENT_CREDENTIALS,
        /** The instance's secret (an {@code api_key} credential) signs each delivery of the {@code webhook} adapter. */
        @JsonProperty("webhook_signature") WEBHOOK_SIGNATURE
    }

    /** Where an API key goes: a header (default {@code X-Api-Key}) or a query parameter, with an optional prefix. */
    public record ApiKeyPlacement(In in, String name, String prefix) {
        static final ApiKeyPlacement DEFAULT = new ApiKeyPlacement(In.HEADER, "X-Api-Key", "");

        public ApiKeyPlacement {
            in = in == null ? In.HEADER : in;
            name = name == null || name.isBlank() ? "X-Api-Key" : name;
            prefix = prefix == null ? "" : prefix;
        }

        /** Header or query parameter. */
        public enum In {
            @JsonProperty("header") HEADER,
            @JsonProperty("query") QUERY
        }
    }
}
