package io.integration.worker.registry;

/** A definition document is not valid; the message names the field and what was expected. */
public final class InvalidDefinitionException extends RuntimeException {

    public InvalidDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
