package io.integration.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.integration.wire.InMemorySchemaRegistry;
import io.integration.wire.SchemaRegistryException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A development/test stand-in for Confluent Schema Registry: the subset of its REST API that the
 * wire format needs, over HTTP, backed by an {@link InMemorySchemaRegistry}. It keeps nothing on disk
 * and checks no compatibility; production uses a real registry. It exists so that the worker's real
 * HTTP registry client is exercised in the embedded mode and the tests.
 *
 * <p>Served: {@code POST /subjects/{s}/versions}, {@code GET /schemas/ids/{id}}, {@code GET /subjects},
 * {@code GET /subjects/{s}/versions}; errors in Confluent's {@code {"error_code","message"}} shape.
 */
public final class DevSchemaRegistry extends LoopbackHttpServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile("^/subjects/([^/]+)/versions/?$");
    private static final Pattern BY_ID = Pattern.compile("^/schemas/ids/(\\d+)/?$");

    private final InMemorySchemaRegistry store = InMemorySchemaRegistry.create();

    private DevSchemaRegistry(int port) {
        super(port);
    }

    /** Starts the registry on {@code port} (0: any free port). */
    public static DevSchemaRegistry start(int port) {
        return new DevSchemaRegistry(port);
    }

    @Override
    protected void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String verb = exchange.getRequestMethod();
        Matcher register = REGISTER.matcher(path);
        Matcher byId = BY_ID.matcher(path);
        if (register.matches() && verb.equals("POST")) {
            String subject = URLDecoder.decode(register.group(1), StandardCharsets.UTF_8);
            String schemaText = JSON.readTree(body(exchange)).path("schema").asText(null);
            Schema schema;
            try {
                schema = new Schema.Parser().parse(schemaText);
            } catch (SchemaParseException | NullPointerException e) {
                respond(exchange, 422, error(42201, "Invalid schema: " + e.getMessage()));
                return;
            }
            respond(exchange, 200, JSON.writeValueAsString(Map.of("id", store.register(subject, schema))));
        } else if (register.matches() && verb.equals("GET")) {
            List<Integer> ids = store.versions(URLDecoder.decode(register.group(1), StandardCharsets.UTF_8));
            if (ids.isEmpty()) {
                respond(exchange, 404, error(40401, "Subject not found"));
            } else {
                respond(exchange, 200, JSON.writeValueAsString(java.util.stream.IntStream.rangeClosed(1, ids.size()).boxed().toList()));
            }
        } else if (byId.matches() && verb.equals("GET")) {
            try {
                Schema schema = store.schemaById(Integer.parseInt(byId.group(1)));
                respond(exchange, 200, JSON.writeValueAsString(Map.of("schema", schema.toString())));
            } catch (SchemaRegistryException | NumberFormatException e) {
                respond(exchange, 404, error(40403, "Schema " + byId.group(1) + " not found"));
            }
        } else if (path.equals("/subjects") && verb.equals("GET")) {
            respond(exchange, 200, JSON.writeValueAsString(store.subjects()));
        } else if (path.equals("/")) {
            respond(exchange, 200, "{}");
        } else {
            respond(exchange, 404, error(404, "No route " + verb + " " + path));
        }
    }

    private static String error(int code, String message) throws IOException {
        return JSON.writeValueAsString(Map.of("error_code", code, "message", message));
    }
}
