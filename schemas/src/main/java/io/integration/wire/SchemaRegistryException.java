package io.integration.wire;

/**
 * A Schema Registry call failed. {@link #retriable()} is true when the registry was unreachable or
 * answered 5xx, false for answers that will not change (4xx: unknown id or subject, invalid schema).
 */
public final class SchemaRegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;
    private final boolean retriable;

    public SchemaRegistryException(String message, int httpStatus, int errorCode, boolean retriable, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retriable = retriable;
    }

    /** HTTP status of the registry's answer, or 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (e.g. 40403 schema not found), or 0 when unknown. */
    public int errorCode() {
        return errorCode;
    }

    public boolean retriable() {
        return retriable;
    }
}
