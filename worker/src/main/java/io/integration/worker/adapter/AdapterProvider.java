package io.integration.worker.adapter;

/**
 * A kind of adapter, found with {@link java.util.ServiceLoader}: register the implementation in
 * {@code META-INF/services/io.integration.worker.adapter.AdapterProvider}, on the worker's class path (built-in) or in a
 * jar in the plugins folder (loaded in its own class loader at start). Definitions name it by {@link #type()}
 * ({@code adapter.type}) and a version range ({@code adapter.version}).
 *
 * <p>Contract: every method but {@link #create} is a constant answer, read at start by the worker and the management
 * API without creating an adapter; a schema that is not a JSON Schema (draft 2020-12) stops the start naming the
 * provider. {@link #create} is called once per process, on the starting thread, with the plugin's class loader as the
 * thread's context class loader.
 */
public interface AdapterProvider {

    /** The {@code adapter.type} this provider serves, e.g. {@code http}: lower case, unique among installed adapters. */
    String type();

    /**
     * The adapter's semantic version ({@code major.minor.patch}); a definition's {@code adapter.version} range must
     * include it, or publishing the definition is refused, a worker starting with it installed reports it, and its
     * calls fail.
     */
    default String version() {
        return "1.0.0";
    }

    /**
     * The JSON Schema (draft 2020-12) a definition's {@code adapter.config} must satisfy at publish; the adapter gets
     * the config as {@link AdapterCall#adapterConfig()}. By default the adapter takes no config: any is refused.
     */
    default String configSchema() {
        return "{\"type\":\"object\",\"maxProperties\":0}";
    }

    /**
     * The JSON Schema (draft 2020-12) each method's binding section must satisfy at publish (the section is
     * {@code http} or {@code graphql} for those adapters, {@code binding} for every other); the adapter gets it as
     * {@link AdapterCall#binding()}. By default: any object.
     */
    default String bindingSchema() {
        return "{\"type\":\"object\"}";
    }

    /** Creates the adapter; called once per process. */
    Adapter create(AdapterContext context);
}
