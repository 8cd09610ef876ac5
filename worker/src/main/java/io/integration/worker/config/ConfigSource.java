package io.integration.worker.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where settings come from, later sources winning: built-in defaults, then a properties file, then
 * environment variables. An environment variable {@code WORKER_KAFKA_BOOTSTRAP_SERVERS} sets
 * {@code kafka.bootstrap.servers}: drop the {@code WORKER_} prefix, lower-case, {@code _} becomes {@code .}.
 */
public final class ConfigSource {

    static final String ENV_PREFIX = "WORKER_";

    private ConfigSource() {
    }

    /** The merged settings: {@code file} (may be null) overlaid by {@code env}. */
    public static Map<String, String> load(Path file, Map<String, String> env) {
        Map<String, String> merged = new TreeMap<>();
        if (file != null) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read config file " + file, e);
            }
            props.stringPropertyNames().forEach(name -> merged.put(name, props.getProperty(name).trim()));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !name.equals("WORKER_CONFIG")) {
                merged.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return merged;
    }
}
