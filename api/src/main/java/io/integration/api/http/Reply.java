package io.integration.api.http;

/** A reply with a status other than 200, or a body that is not JSON. */
public record Reply(int status, Object body, String contentType) {

    public static Reply created(Object body) {
        return new Reply(201, body, null);
    }

    public static Reply text(String contentType, String body) {
        return new Reply(200, body, contentType);
    }

    public static Reply status(int status, Object body) {
        return new Reply(status, body, null);
    }
}
