package io.integration.worker.oauth;

/**
 * A token endpoint did not give tokens. The message names the endpoint's host, the HTTP status and the OAuth {@code error}
 * code; never a response body, a token or a client secret.
 */
public final class TokenException extends RuntimeException {

    /** What the failure means for the credential. */
    public enum Kind {
        /** The grant (code or refresh token) was refused for good ({@code invalid_grant} and provider spellings of it). */
        INVALID_GRANT,
        /** The server refused the request otherwise (e.g. {@code invalid_client}): retrying the same will not help. */
        REJECTED,
        /** The server could not be reached or failed (5xx, 429, timeout, unreadable answer): try again later. */
        UNAVAILABLE
    }

    private final Kind kind;

    public TokenException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
