package io.integration.registry;

import io.integration.registry.policy.MethodPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a definition's resilience settings into typed {@link MethodPolicy} records, so that a bad value fails the
 * definition when it is loaded, naming its place in the document ({@code $.methods[1].retry.maxAttempts: 0 (expected: >= 1)}),
 * rather than every request that uses it.
 */
public final class DefinitionPolicies {

    private DefinitionPolicies() {
    }

    /** The typed settings of {@code method}. */
    public static MethodPolicy of(IntegrationDefinition definition, MethodDefinition method) {
        IntegrationDefinition.ExecutionDefaults d = definition.defaults();
        return MethodPolicy.of(d.retry(), d.circuitBreaker(), d.rateLimit(), method.retry(), method.circuitBreaker(), method.rateLimit());
    }

    /** Every bad resilience setting of {@code definition}, each with its JSON path. */
    static List<Problem> problems(IntegrationDefinition definition) {
        List<Problem> problems = new ArrayList<>();
        IntegrationDefinition.ExecutionDefaults d = definition.defaults();
        try {
            MethodPolicy.of(d.retry(), d.circuitBreaker(), d.rateLimit(), null, null, null);
        } catch (IllegalArgumentException e) {
            problems.add(problem("$.defaults.", e.getMessage()));
            // Every method inherits the bad default: report it once, then only what the methods themselves get wrong.
            d = IntegrationDefinition.ExecutionDefaults.NONE;
        }
        List<MethodDefinition> methods = definition.methods();
        for (int i = 0; i < methods.size(); i++) {
            MethodDefinition m = methods.get(i);
            try {
                MethodPolicy.of(d.retry(), d.circuitBreaker(), d.rateLimit(), m.retry(), m.circuitBreaker(), m.rateLimit());
            } catch (IllegalArgumentException e) {
                problems.add(problem("$.methods[" + i + "].", e.getMessage()));
            }
        }
        return problems;
    }

    /** {@code "retry.maxAttempts: 0 (expected: >= 1)"} under {@code $.methods[1].} → path and message apart. */
    private static Problem problem(String prefix, String message) {
        int colon = message.indexOf(": ");
        return colon < 0 ? new Problem(prefix.substring(0, prefix.length() - 1), message)
                : new Problem(prefix + message.substring(0, colon), message.substring(colon + 2));
    }
}
