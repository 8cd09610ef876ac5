package io.integration.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The project's Jackson mappers. Their factory recycles its parse and write buffers through one shared, bounded pool:
 * Jackson's default pool is per thread, and every request runs on a virtual thread of its own, so the default gave each
 * parse and each write fresh buffers (measured: a third of the worker's allocation at W1, docs/performance.md).
 */
public final class JsonMappers {

    private JsonMappers() {
    }

    /** A new mapper with default settings over a factory that recycles buffers across threads. */
    public static ObjectMapper create() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build());
    }
}
