package io.integration.api.http;

import static java.util.Objects.requireNonNull;

import io.integration.registry.service.ApiTokens.Scope;

/**
 * One route of the API: the table {@link ApiServer} registers and {@link OpenApi} describes, so the document lists
 * exactly the routes the server answers.
 *
 * @param method HTTP verb: GET, POST, PUT or DELETE
 * @param path Javalin path, parameters in braces ({@code /instances/{id}})
 * @param scope the token scope the route needs, or null for a public route (health only)
 * @param id operation id, also the audit record's action ({@code definitions.publish})
 * @param summary one line for the OpenAPI document
 * @param body what the request body is ({@code null} when there is none), for the OpenAPI document
 */
public record Route(String method, String path, Scope scope, String id, String summary, String body, Action action) {

    public Route {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(id, "id");
        requireNonNull(summary, "summary");
        requireNonNull(action, "action");
    }

    /** Whether the route changes something: every such call writes one audit record. */
    public boolean mutating() {
        return !method.equals("GET");
    }

    /** What a route does with a call; returns the reply (a plain object is a 200 with it as JSON). */
    @FunctionalInterface
    public interface Action {
        Object handle(Call call) throws Exception;
    }

    public static Route get(String path, Scope scope, String id, String summary, Action action) {
        return new Route("GET", path, scope, id, summary, null, action);
    }

    public static Route post(String path, Scope scope, String id, String summary, String body, Action action) {
        return new Route("POST", path, scope, id, summary, body, action);
    }

    public static Route put(String path, Scope scope, String id, String summary, String body, Action action) {
        return new Route("PUT", path, scope, id, summary, body, action);
    }

    public static Route delete(String path, Scope scope, String id, String summary, Action action) {
        return new Route("DELETE", path, scope, id, summary, null, action);
    }
}
