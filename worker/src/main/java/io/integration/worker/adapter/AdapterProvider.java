package io.integration.worker.adapter;

/**
 * A kind of adapter, found with {@link java.util.ServiceLoader} (register the implementation in
 * {@code META-INF/services/io.integration.worker.adapter.AdapterProvider}). Definitions name it by
 * {@link #type()} ({@code adapter.type}).
 */
public interface AdapterProvider {

    /** The {@code adapter.type} this provider serves, e.g. {@code http}. */
    String type();

    /**
     * The adapter's semantic version ({@code major.minor.patch}); a definition's {@code adapter.version} range must
     * include it, or publishing the definition is refused and its calls fail.
     */
    default String version() {
        return "1.0.0";
    }

    /** Creates the adapter; called once per worker. */
    Adapter create(AdapterContext context);
}
