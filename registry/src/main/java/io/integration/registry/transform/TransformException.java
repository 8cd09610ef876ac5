package io.integration.registry.transform;

/** A transform that could not be compiled or evaluated; the message names the transform and never the data. */
public final class TransformException extends RuntimeException {

    public TransformException(String message) {
        super(message, null, false, false);
    }
}
