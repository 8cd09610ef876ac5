package io.integration.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The one {@link Infrastructure} of this JVM, chosen by {@code integration.infrastructure}, stopped at exit. */
final class SharedInfrastructure {

    static final String PROPERTY = "integration.infrastructure";
    private static Infrastructure instance;
    private static RuntimeException failure;

    private SharedInfrastructure() {
    }

    static synchronized Infrastructure get() {
        // A failed start (e.g. no Docker) fails every later test at once with the same message, without retrying.
        if (failure != null) {
            throw failure;
        }
        if (instance == null) {
            try {
                instance = choose(System.getProperty(PROPERTY, "embedded")).start();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "infrastructure-shutdown"));
        }
        return instance;
    }

    private static InfrastructureProvider choose(String name) {
        List<String> available = new ArrayList<>();
        for (InfrastructureProvider provider : ServiceLoader.load(InfrastructureProvider.class)) {
            if (provider.name().equals(name)) {
                return provider;
            }
            available.add(provider.name());
        }
        throw new IllegalStateException(PROPERTY + "=" + name + ": no such infrastructure on the classpath (available: "
                + available + "; the containers one comes with io.integration:integration-containers)");
    }

    /** The embedded infrastructure, in a temporary directory. */
    public static final class Embedded implements InfrastructureProvider {
        @Override
        public String name() {
            return "embedded";
        }

        @Override
        public Infrastructure start() {
            try {
                return EmbeddedInfrastructure.start(Files.createTempDirectory("integration-embedded-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
