package io.integration.wire;

/** Bytes that are not a valid Confluent wire-format Avro record (wrong magic byte, truncated, undecodable). */
public final class WireFormatException extends RuntimeException {

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
