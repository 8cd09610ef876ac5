package io.integration.worker.messaging;

/** A record that can never be processed (undecodable, or without a requestId to answer). It goes to the DLT once. */
final class PoisonRecordException extends RuntimeException {

    PoisonRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
