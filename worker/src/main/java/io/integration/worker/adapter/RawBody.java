package io.integration.worker.adapter;

import static java.util.Objects.requireNonNull;

/**
 * A request body already encoded, sent byte for byte with its content type: what an adapter gives as
 * {@link AdapterCall#body()} when the exact bytes matter (a signature computed over them) or the body is not JSON.
 */
public record RawBody(byte[] bytes, String contentType) {
    public RawBody {
        requireNonNull(bytes, "bytes");
        requireNonNull(contentType, "contentType");
    }
}
