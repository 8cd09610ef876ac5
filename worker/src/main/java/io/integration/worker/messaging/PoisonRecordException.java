package io.integration.worker.messaging;

/**
 * A record that can never be processed (undecodable, or without a usable requestId to answer). It goes to the
 * DLT once, with {@link #stage()} saying where it failed.
 */
final class PoisonRecordException extends RuntimeException {

    private final DeadLetters.Stage stage;

    PoisonRecordException(String message, Throwable cause) {
        this(DeadLetters.Stage.DESERIALIZATION, message, cause);
    }

    PoisonRecordException(DeadLetters.Stage stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    DeadLetters.Stage stage() {
        return stage;
    }
}
