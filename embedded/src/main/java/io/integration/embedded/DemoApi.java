package io.integration.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small external API on loopback for the embedded demo: what an integration calls when there is no
 * real SaaS at hand. Every call needs the header {@code X-Api-Key} with the key given at start.
 *
 * <ul>
 *   <li>{@code GET /v1/me} → {@code {"id","name"}} of the key's owner (what a connection test calls)</li>
 *   <li>{@code GET /v1/users/{id}} → {@code {"id","name","email"}}; 422 for a user {@linkplain #lockUsers locked}</li>
 *   <li>{@code POST /v1/notes} with a JSON body → 201 and the note with an id</li>
 *   <li>{@code GET /v1/status/{code}} → answers with that HTTP status (to try failures)</li>
 *   <li>{@code POST /v1/rpc}: JSON-RPC 2.0 (what the example jsonrpc plugin calls): {@code math.add} with
 *       {@code {"a", "b"}} → their sum; any other method → error -32601</li>
 * </ul>
 */
public final class DemoApi extends LoopbackHttpServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern USER = Pattern.compile("^/v1/users/([^/]+)$");
    private static final Pattern STATUS = Pattern.compile("^/v1/status/(\\d{3})$");

    private final String apiKey;
    private final AtomicLong notes = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final java.util.Map<String, AtomicLong> userCalls = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.function.Predicate<String> lockedUsers = id -> false;

    private DemoApi(int port, String apiKey) {
        super(port);
        this.apiKey = apiKey;
    }

    /** Starts the demo API on {@code port} (0: any free port), accepting {@code apiKey}. */
    public static DemoApi start(int port, String apiKey) {
        return new DemoApi(port, apiKey);
    }

    /** Calls answered so far, authorized or not. */
    public long calls() {
        return calls.get();
    }

    /** Calls of {@code GET /v1/users/{id}} for this id so far (the call log a replay is checked against). */
    public long userCalls(String id) {
        AtomicLong n = userCalls.get(id);
        return n == null ? 0 : n.get();
    }

    /** From now, {@code GET /v1/users/{id}} answers 422 "user locked" for the ids {@code locked} admits (none: {@code id -> false}). */
    public void lockUsers(java.util.function.Predicate<String> locked) {
        this.lockedUsers = locked;
    }

    private static ObjectNode rpc(JsonNode call) {
        ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0").set("id", call.path("id"));
        if ("math.add".equals(call.path("method").asText())) {
            return answer.put("result", call.path("params").path("a").asLong() + call.path("params").path("b").asLong());
        }
        answer.putObject("error").put("code", -32601).put("message", "method not found: " + call.path("method").asText());
        return answer;
    }

    @Override
    protected void handle(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        if (!apiKey.equals(exchange.getRequestHeaders().getFirst("X-Api-Key"))) {
            respond(exchange, 401, "{\"message\":\"missing or wrong X-Api-Key\"}");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String verb = exchange.getRequestMethod();
        Matcher user = USER.matcher(path);
        Matcher status = STATUS.matcher(path);
        if (path.equals("/v1/me") && verb.equals("GET")) {
            respond(exchange, 200, "{\"id\":\"0\",\"name\":\"Demo key owner\"}");
        } else if (user.matches() && verb.equals("GET")) {
            if (userCalls.size() < 100_000 || userCalls.containsKey(user.group(1))) {
                userCalls.computeIfAbsent(user.group(1), id -> new AtomicLong()).incrementAndGet();
            }
            if (lockedUsers.test(user.group(1))) {
                respond(exchange, 422, "{\"message\":\"user " + user.group(1) + " is locked\"}");
                return;
            }
            ObjectNode body = JSON.createObjectNode()
                    .put("id", user.group(1))
                    .put("name", "User " + user.group(1))
                    .put("email", "user" + user.group(1) + "@example.com");
            respond(exchange, 200, body.toString());
        } else if (path.equals("/v1/notes") && verb.equals("POST")) {
            JsonNode note = JSON.readTree(body(exchange));
            ObjectNode created = note.isObject() ? (ObjectNode) note : JSON.createObjectNode();
            created.put("id", notes.incrementAndGet());
            respond(exchange, 201, created.toString());
        } else if (path.equals("/v1/rpc") && verb.equals("POST")) {
            respond(exchange, 200, rpc(JSON.readTree(body(exchange))).toString());
        } else if (status.matches()) {
            int code = Integer.parseInt(status.group(1));
            respond(exchange, code, "{\"status\":" + code + "}");
        } else {
            respond(exchange, 404, "{\"message\":\"no such resource\"}");
        }
    }
}
