package io.integration.worker.adapter;

/**
 * A kind of adapter, found with {@link java.util.ServiceLoader} (register the implementation in
 * {@code META-INF/services/io.integration.worker.adapter.AdapterProvider}). Definitions name it by
 * {@link #type()} ({@code adapter.type}).
 */
public interface AdapterProvider {

    /** The {@code adapter.type} this provider serves, e.g. {@code http}. */
    String type();

    /** Creates the adapter; called once per worker. */
    Adapter create(AdapterContext context);
}
