package io.integration.registry.service;

import io.integration.registry.Problem;
import java.util.List;
import java.util.Map;

/**
 * A management action refused, with what a caller needs to fix it. {@link Kind} decides the HTTP status the API
 * answers with; {@link #code()} is the stable machine-readable reason; {@link #problems()} lists every bad field
 * with its JSON path (never only the first).
 */
public final class ManagementException extends RuntimeException {

    /** Why the action was refused. */
    public enum Kind {
        /** The input is wrong: 400. */
        INVALID,
        /** What the action names does not exist: 404. */
        NOT_FOUND,
        /** The action contradicts the current state (an immutable version, an instance in use): 409. */
        CONFLICT,
        /** A system the action depends on (an authorization server) failed or refused: 502. */
        UPSTREAM
    }

    private final Kind kind;
    private final String code;
    private final transient List<Problem> problems;
    private final transient Map<String, Object> details;

    private ManagementException(Kind kind, String code, String message, List<Problem> problems, Map<String, Object> details) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
        this.problems = List.copyOf(problems);
        this.details = Map.copyOf(details);
    }

    /** {@code message} followed by every problem, so that a log line or a seeding failure says all of it. */
    public static ManagementException invalid(String message, List<Problem> problems) {
        String all = problems.stream().map(Problem::toString).reduce((a, b) -> a + "; " + b).map(p -> message + ": " + p).orElse(message);
        return new ManagementException(Kind.INVALID, "VALIDATION_FAILED", all, problems, Map.of());
    }

    public static ManagementException invalid(String path, String message) {
        return new ManagementException(Kind.INVALID, "VALIDATION_FAILED", path + ": " + message, List.of(new Problem(path, message)), Map.of());
    }

    public static ManagementException notFound(String message) {
        return new ManagementException(Kind.NOT_FOUND, "NOT_FOUND", message, List.of(), Map.of());
    }

    public static ManagementException conflict(String code, String message, Map<String, Object> details) {
        return new ManagementException(Kind.CONFLICT, code, message, List.of(), details);
    }

    public static ManagementException upstream(String code, String message) {
        return new ManagementException(Kind.UPSTREAM, code, message, List.of(), Map.of());
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public List<Problem> problems() {
        return problems;
    }

    public Map<String, Object> details() {
        return details;
    }
}
