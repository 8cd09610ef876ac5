package io.integration.worker.registry;

import io.integration.worker.resilience.MethodPolicy;
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

    /**
     * Checks every method's settings.
     *
     * @throws InvalidDefinitionException naming the JSON path of the first bad value
     */
    static void check(IntegrationDefinition definition) {
        IntegrationDefinition.ExecutionDefaults d = definition.defaults();
        try {
            MethodPolicy.of(d.retry(), d.circuitBreaker(), d.rateLimit(), null, null, null);
        } catch (IllegalArgumentException e) {
            throw new InvalidDefinitionException("definition '" + definition.name() + "': $.defaults." + e.getMessage(), e);
        }
        List<MethodDefinition> methods = definition.methods();
        for (int i = 0; i < methods.size(); i++) {
            MethodDefinition m = methods.get(i);
            try {
                // The defaults passed above: what fails now is the method's own value.
                of(definition, m);
            } catch (IllegalArgumentException e) {
                throw new InvalidDefinitionException("definition '" + definition.name() + "': $.methods[" + i + "]." + e.getMessage(), e);
            }
        }
    }
}
