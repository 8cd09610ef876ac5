package io.integration.registry;

import java.util.List;

/** A definition document is not valid; the message names every field and what was expected. */
public final class InvalidDefinitionException extends RuntimeException {

    private final transient List<Problem> problems;

    public InvalidDefinitionException(String message, Throwable cause) {
        this(message, List.of(new Problem("$", message)), cause);
    }

    public InvalidDefinitionException(String message, List<Problem> problems, Throwable cause) {
        super(message, cause);
        this.problems = List.copyOf(problems);
    }

    /** Each problem with its JSON path. */
    public List<Problem> problems() {
        return problems;
    }
}
