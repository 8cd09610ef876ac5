package io.integration.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 document of the route table. Built from the same {@link Route} list the server registers, so it
 * cannot list a route the server does not answer or miss one it does.
 */
public final class OpenApi {

    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

    private OpenApi() {
    }

    public static ObjectNode document(List<Route> routes, String version) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("openapi", "3.1.0");
        doc.putObject("info").put("title", "Integration Service management API").put("version", version)
                .put("description", "Definitions, instances, credentials, tokens and audit. Every route but /health/* needs "
                        + "Authorization: Bearer <token>; scopes read < write < admin. Errors are {code, message, details}.");
        ObjectNode schemes = doc.putObject("components").putObject("securitySchemes");
        schemes.putObject("token").put("type", "http").put("scheme", "bearer");
        errorSchema((ObjectNode) doc.get("components"));
        ObjectNode paths = doc.putObject("paths");
        for (Route route : routes) {
            ObjectNode item = paths.has(route.path()) ? (ObjectNode) paths.get(route.path()) : paths.putObject(route.path());
            ObjectNode op = item.putObject(route.method().toLowerCase(Locale.ROOT));
            op.put("operationId", route.id()).put("summary", route.summary());
            if (route.scope() != null) {
                op.putArray("security").addObject().putArray("token");
                op.put("x-scope", route.scope().name().toLowerCase(Locale.ROOT));
            } else {
                op.putArray("security");
            }
            ArrayNode params = op.putArray("parameters");
            Matcher m = PARAM.matcher(route.path());
            while (m.find()) {
                params.addObject().put("name", m.group(1)).put("in", "path").put("required", true)
                        .putObject("schema").put("type", "string");
            }
            if (route.body() != null) {
                op.putObject("requestBody").put("required", true).put("description", route.body())
                        .putObject("content").putObject(route.body().startsWith("YAML") ? "application/yaml" : "application/json")
                        .putObject("schema").put("type", "object");
            }
            ObjectNode responses = op.putObject("responses");
            responses.putObject(route.method().equals("POST") && route.id().endsWith(".create") ? "201" : "200").put("description", "success");
            for (String code : route.scope() == null ? List.<String>of() : List.of("400", "401", "403", "404", "409", "413")) {
                responses.putObject(code).put("description", "error").putObject("content").putObject("application/json")
                        .putObject("schema").put("$ref", "#/components/schemas/Error");
            }
        }
        return doc;
    }

    private static void errorSchema(ObjectNode components) {
        ObjectNode error = components.putObject("schemas").putObject("Error");
        error.put("type", "object").putArray("required").add("code").add("message");
        ObjectNode props = error.putObject("properties");
        props.putObject("code").put("type", "string");
        props.putObject("message").put("type", "string");
        props.putObject("details").put("type", "object");
    }
}
