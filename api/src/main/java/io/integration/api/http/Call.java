package io.integration.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.integration.registry.service.ApiTokens;
import io.integration.registry.service.ManagementException;
import io.integration.registry.service.Page;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One API call as a route sees it: path and query parameters, the body (bounded), and the caller's token. */
public final class Call {

    /** Bodies above this are refused with 413 before they are parsed (the bound: 1 MiB). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final int DEFAULT_LIMIT = 50;

    private final Context ctx;
    private final ApiTokens.Token caller;
    private String body;
    private String auditDetail;

    Call(Context ctx, ApiTokens.Token caller) {
        this.ctx = ctx;
        this.caller = caller;
    }

    public String path(String name) {
        return ctx.pathParam(name);
    }

    /** The query parameter {@code name}, or null. */
    public String query(String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** Adds {@code detail} to this call's audit record (what it was about, why): never a secret. */
    public void auditDetail(String detail) {
        this.auditDetail = detail;
    }

    String auditDetail() {
        return auditDetail;
    }

    /** The token the call was made with (null on public routes). */
    public ApiTokens.Token caller() {
        return caller;
    }

    /** The request body as text; at most {@link #MAX_BODY_BYTES}, whatever the Content-Length says. */
    public String body() throws IOException {
        if (body == null) {
            try (InputStream in = ctx.bodyInputStream()) {
                byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
                if (bytes.length > MAX_BODY_BYTES) {
                    throw new BodyTooLarge();
                }
                body = new String(bytes, StandardCharsets.UTF_8);
            }
        }
        return body;
    }

    /** The body as a JSON object; 400 naming the problem when it is not one. */
    public JsonNode json() throws IOException {
        String text = body();
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            // Only where, never the parser's text: it quotes the offending token, which may be a secret (an unquoted key).
            var at = e.getLocation();
            throw ManagementException.invalid("$", "not JSON (syntax error" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ")");
        }
        if (tree == null || !tree.isObject()) {
            throw ManagementException.invalid("$", "empty or not an object (expected: a JSON object)");
        }
        return tree;
    }

    /** The page of {@code all} the {@code offset} and {@code limit} query parameters ask for (default 0 and 50). */
    public <T> Page<T> page(List<T> all) {
        return Page.of(all, intQuery("offset", 0), intQuery("limit", DEFAULT_LIMIT));
    }

    public int intQuery(String name, int fallback) {
        String value = query(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ManagementException.invalid(name, "'" + value + "' (expected: an integer)");
        }
    }

    /** The body exceeded {@link #MAX_BODY_BYTES}: 413. */
    static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super("request body over " + MAX_BODY_BYTES + " bytes (expected: at most 1 MiB)", null, false, false);
        }
    }
}
