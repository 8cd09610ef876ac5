package io.integration.worker.adapters;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The built-in adapters' Jackson mappers, recycling buffers across threads as {@code io.integration.registry.JsonMappers}
 * does (calls run on virtual threads, for which Jackson's per-thread default recycles nothing). A copy, not a call: the
 * adapters may not depend on the registry (ArchitectureTest).
 */
public final class AdapterJson {

    private AdapterJson() {
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build());
    }
}
