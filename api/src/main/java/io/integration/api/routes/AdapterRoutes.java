package io.integration.api.routes;

import static io.integration.registry.service.ApiTokens.Scope.READ;

import io.integration.api.http.Call;
import io.integration.api.http.Route;
import io.integration.registry.AdapterDescriptor;
import io.integration.registry.service.DefinitionService;
import io.integration.registry.service.ManagementException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The adapters publishing checks against: built-in and from the plugins folder, with the schemas they declare. */
public final class AdapterRoutes {

    private final DefinitionService definitions;

    public AdapterRoutes(DefinitionService definitions) {
        this.definitions = definitions;
    }

    public List<Route> routes() {
        return List.of(
                Route.get("/adapters", READ, "adapters.list", "The installed adapters: type, version, origin (built-in or the plugin)",
                        call -> call.page(definitions.adapters().stream().map(AdapterRoutes::summary).toList())),
                Route.get("/adapters/{type}", READ, "adapters.show",
                        "One adapter with the JSON Schemas of its adapter.config and of a method's binding section", this::show));
    }

    private Object show(Call call) {
        String type = call.path("type");
        AdapterDescriptor adapter = definitions.adapters().stream().filter(a -> a.type().equals(type)).findFirst()
                .orElseThrow(() -> ManagementException.notFound("adapter type '" + type + "' is not installed (installed: "
                        + definitions.adapters().stream().map(AdapterDescriptor::type).toList() + ")"));
        Map<String, Object> view = summary(adapter);
        view.put("configSchema", adapter.configSchema());
        view.put("bindingSchema", adapter.bindingSchema());
        return view;
    }

    private static Map<String, Object> summary(AdapterDescriptor adapter) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", adapter.type());
        view.put("version", adapter.version());
        view.put("origin", adapter.origin());
        view.put("bindingField", io.integration.registry.MethodDefinition.bindingField(adapter.type()));
        return view;
    }
}
