package io.integration.registry;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a document, where it is and what was expected.
 *
 * @param path JSON path of the offending value, e.g. {@code $.methods[1].retry.maxAttempts}
 * @param message what is wrong and what was expected, e.g. {@code 0 (expected: >= 1)}
 */
public record Problem(String path, String message) {

    public Problem {
        requireNonNull(path, "path");
        requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
