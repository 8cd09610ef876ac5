package io.integration.api.routes;

import static io.integration.registry.service.ApiTokens.Scope.READ;
import static io.integration.registry.service.ApiTokens.Scope.WRITE;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.api.http.Call;
import io.integration.api.http.Json;
import io.integration.api.http.Reply;
import io.integration.api.http.Route;
import io.integration.registry.IntegrationInstance;
import io.integration.registry.service.Applied;
import io.integration.registry.service.InstanceService;
import io.integration.registry.service.ManagementException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Instances: create, inspect, configure, enable/disable, test the connection. */
public final class InstanceRoutes {

    private static final String INSTANCE = "/instances/{id}";

    private final InstanceService instances;

    public InstanceRoutes(InstanceService instances) {
        this.instances = instances;
    }

    public List<Route> routes() {
        return List.of(
                Route.get("/instances", READ, "instances.list", "Instances filtered by tenant, definition, status; paged by offset, limit",
                        this::list),
                Route.post("/instances", WRITE, "instances.create",
                        "Bind a definition (version or range) to a tenant's config and credential", 
                        "JSON {id, tenant?, definition, definitionVersion?, config?, credentialId?}",
                        call -> Reply.created(view(instances.create(spec(call.json())), instances))),
                Route.get(INSTANCE, READ, "instances.show", "One instance with its status and last use",
                        call -> view(instances.get(call.path("id")), instances)),
                Route.put(INSTANCE, WRITE, "instances.put",
                        "Create the instance or rebind it (definition, version or range, tenant, config, credential); idempotent",
                        "JSON {tenant?, definition, definitionVersion?, config?, credentialId?}", this::put),
                Route.put(INSTANCE + "/config", WRITE, "instances.configure", "Replace the config (checked against the config schema)",
                        "JSON object: the new config", call -> view(instances.updateConfig(call.path("id"), map(call.json())), instances)),
                Route.post(INSTANCE + "/disable", WRITE, "instances.disable", "Stop every request of the instance", null,
                        call -> view(instances.disable(call.path("id")), instances)),
                Route.post(INSTANCE + "/enable", WRITE, "instances.enable", "Undo disable", null,
                        call -> view(instances.enable(call.path("id")), instances)),
                Route.post(INSTANCE + "/test", WRITE, "instances.test", "Run the definition's testMethod against the external system",
                        null, call -> instances.test(call.path("id"))));
    }

    private Object put(Call call) throws IOException {
        JsonNode body = call.json();
        String id = call.path("id");
        if (body.hasNonNull("id") && !id.equals(body.get("id").asText())) {
            throw ManagementException.invalid("$.id", "'" + body.get("id").asText() + "' (expected: absent or the id in the path, '" + id + "')");
        }
        InstanceService.Spec spec = spec(body);
        Applied applied = instances.put(new InstanceService.Spec(id, spec.tenant(), spec.definition(), spec.definitionVersion(),
                spec.config(), spec.credentialId()));
        Map<String, Object> view = view(instances.get(id), instances);
        view.put("outcome", applied);
        return applied == Applied.CREATED ? Reply.created(view) : view;
    }

    private Object list(Call call) {
        String status = call.query("status");
        IntegrationInstance.InstanceStatus parsed = null;
        if (status != null) {
            try {
                parsed = IntegrationInstance.InstanceStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ManagementException.invalid("status", "'" + status + "' (expected: one of "
                        + List.of(IntegrationInstance.InstanceStatus.values()) + ")");
            }
        }
        return call.page(instances.list(call.query("tenant"), call.query("definition"), parsed).stream()
                .map(i -> view(i, null)).toList());
    }

    private static InstanceService.Spec spec(JsonNode body) {
        return new InstanceService.Spec(text(body, "id"), text(body, "tenant"), text(body, "definition"),
                text(body, "definitionVersion"), body.has("config") ? map(body.get("config")) : Map.of(), text(body, "credentialId"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ManagementException.invalid("$." + field, value.getNodeType().name().toLowerCase(Locale.ROOT) + " (expected: a string)");
        }
        return value.asText();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode node) {
        if (!node.isObject()) {
            throw ManagementException.invalid("$.config", node.getNodeType().name().toLowerCase(Locale.ROOT) + " (expected: an object)");
        }
        return Json.MAPPER.convertValue(node, Map.class);
    }

    /** The instance as the API shows it; {@code lastUsedAt} only on single reads (a read per instance in a list would not scale). */
    static Map<String, Object> view(IntegrationInstance i, InstanceService service) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", i.id());
        view.put("tenant", i.tenant());
        view.put("definition", i.definitionName());
        view.put("definitionVersion", i.definitionVersion());
        view.put("status", i.status());
        view.put("credentialId", i.credentialId());
        view.put("config", i.config());
        if (service != null) {
            service.lastUsed(i.id()).ifPresent(at -> view.put("lastUsedAt", at));
        }
        return view;
    }
}
