package io.integration.embedded;

/**
 * A kind of {@link Infrastructure}, found with {@link java.util.ServiceLoader} and chosen by the system
 * property {@code integration.infrastructure} (default {@code embedded}).
 */
public interface InfrastructureProvider {

    /** The value of {@code integration.infrastructure} that selects this provider. */
    String name();

    /**
     * Starts the infrastructure; blocks until every endpoint answers.
     *
     * @throws IllegalStateException with a message saying what is missing (e.g. no Docker engine)
     */
    Infrastructure start();
}
