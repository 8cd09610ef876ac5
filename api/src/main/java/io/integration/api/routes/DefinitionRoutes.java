package io.integration.api.routes;

import static io.integration.registry.service.ApiTokens.Scope.READ;
import static io.integration.registry.service.ApiTokens.Scope.WRITE;

import io.integration.api.http.Call;
import io.integration.api.http.Reply;
import io.integration.api.http.Route;
import io.integration.registry.DefinitionDocuments;
import io.integration.registry.IntegrationDefinition;
import io.integration.registry.service.Applied;
import io.integration.registry.service.DefinitionService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Definition lifecycle and discovery. Documents travel as YAML or JSON text; answers are JSON. */
public final class DefinitionRoutes {

    private static final String VERSION = "/definitions/{name}/versions/{version}";
    private static final String DOCUMENT = "YAML or JSON definition document (schemas/integration-definition.schema.json)";

    private final DefinitionService definitions;

    public DefinitionRoutes(DefinitionService definitions) {
        this.definitions = definitions;
    }

    public List<Route> routes() {
        return List.of(
                Route.get("/definitions", READ, "definitions.list",
                        "Search definitions by q (name or title), tag, authType, adapter; one entry per name; paged by offset, limit",
                        this::list),
                Route.post("/definitions", WRITE, "definitions.create", "Store a DRAFT version (replaces a draft of the same version)",
                        DOCUMENT, call -> Reply.created(view(definitions.createDraft(call.body())))),
                Route.post("/definitions/apply", WRITE, "definitions.apply",
                        "Create or advance a version to the document's status (default PUBLISHED); idempotent", DOCUMENT, this::apply),
                Route.get("/definitions/{name}/versions", READ, "definitions.versions", "Every version of a definition, lowest first",
                        call -> call.page(definitions.versions(call.path("name")).stream().map(DefinitionRoutes::summary).toList())),
                Route.get("/definitions/{name}/resolve", READ, "definitions.resolve",
                        "The highest PUBLISHED or DEPRECATED version in the range query parameter (default *)",
                        call -> view(definitions.resolve(call.path("name"), call.query("range")))),
                Route.get(VERSION, READ, "definitions.show", "One version: status and document",
                        call -> view(definitions.get(call.path("name"), call.path("version")))),
                Route.post(VERSION + "/publish", WRITE, "definitions.publish", "DRAFT → PUBLISHED, after every check", null,
                        call -> view(definitions.publish(call.path("name"), call.path("version")))),
                Route.post(VERSION + "/deprecate", WRITE, "definitions.deprecate", "PUBLISHED → DEPRECATED (still executable)", null,
                        call -> view(definitions.deprecate(call.path("name"), call.path("version")))),
                Route.post(VERSION + "/retire", WRITE, "definitions.retire",
                        "→ RETIRED (never executed again); refused while an instance uses it", null,
                        call -> view(definitions.retire(call.path("name"), call.path("version")))));
    }

    private Object list(Call call) {
        return call.page(definitions.search(new DefinitionService.Query(call.query("q"), call.query("tag"), call.query("authType"),
                call.query("adapter"))));
    }

    private Object apply(Call call) throws java.io.IOException {
        DefinitionService.ApplyResult result = definitions.applyDocument(call.body());
        Applied applied = result.outcome();
        IntegrationDefinition stored = result.stored();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", applied);
        body.put("name", stored.name());
        body.put("version", stored.version());
        body.put("status", stored.status());
        return applied == Applied.CREATED ? Reply.created(body) : body;
    }

    static Map<String, Object> summary(IntegrationDefinition d) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", d.name());
        view.put("version", d.version());
        view.put("status", d.status());
        view.put("title", d.title());
        return view;
    }

    static Map<String, Object> view(IntegrationDefinition d) {
        Map<String, Object> view = summary(d);
        view.put("document", DefinitionDocuments.toTree(d));
        return view;
    }
}
