package io.integration.api.routes;

import static io.integration.registry.service.ApiTokens.Scope.WRITE;

import io.integration.api.http.Call;
import io.integration.api.http.Reply;
import io.integration.api.http.Route;
import io.integration.registry.service.AccountConnections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connecting an account: {@code POST /instances/{id}/oauth/start} answers the URL to open in a browser; the provider
 * sends the browser back to the public {@code GET /oauth/callback}, which answers a small page that never shows a code,
 * a token or the state (and, like every answer of the API, {@code Cache-Control: no-store} and no Referer).
 */
public final class OAuthRoutes {

    private final AccountConnections flow;

    public OAuthRoutes(AccountConnections flow) {
        this.flow = flow;
    }

    public List<Route> routes() {
        return List.of(
                Route.post("/instances/{id}/oauth/start", WRITE, "instances.oauth.start",
                        "Start connecting an oauth2 instance: the authorization URL to open (PKCE S256, one-time state, 10 minutes)",
                        null, this::start),
                Route.get(AccountConnections.CALLBACK_PATH, null, "oauth.callback",
                        "Where the authorization server sends the browser back (public; register API_PUBLIC_URL/oauth/callback)",
                        this::callback));
    }

    private Object start(Call call) {
        AccountConnections.Started started = flow.start(call.path("id"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("authorizationUrl", started.authorizationUrl());
        view.put("expiresAt", started.expiresAt().toString());
        view.put("redirectUri", started.redirectUri());
        return view;
    }

    private Object callback(Call call) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : List.of("state", "code", "iss", "error")) {
            if (call.query(name) != null) {
                query.put(name, call.query(name));
            }
        }
        AccountConnections.Completed done = flow.complete(query);
        String title = done.connected() ? "Connected" : "Not connected";
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>" + title
                + "</h1><p>" + escape(done.message()) + (done.error() == null ? "" : " (" + escape(done.error()) + ")")
                + "</p><p>You can close this window.</p></body></html>";
        return new Reply(done.connected() ? 200 : 400, page, "text/html; charset=utf-8");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
